"""4D environment and system commands: Get 4D folder, Temporary folder, System folder, Folder
separator, Is macOS, Is Windows, Get application info, Current user, Localized string.

Folders are platform paths ending with the folder separator, as 4D returns them. The "database
folder" is the folder of the running script (`rt.project_dir`), as for File and Folder
(files.py); its Resources, Data and Logs folders are the ones /RESOURCES, /DATA and /LOGS name.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from ..runtime.errors import E, FourDError
from ..runtime.values import to_longint, type_name

# Get 4D folder constants (get-4d-folder.md)
ACTIVE_4D_FOLDER, LICENSES_FOLDER, CLIENT_DATABASE_FOLDER, DATABASE_FOLDER = 0, 1, 3, 4
DATABASE_FOLDER_UNIX, CURRENT_RESOURCES_FOLDER, LOGS_FOLDER, HTML_ROOT_FOLDER = 5, 6, 7, 8
DATA_FOLDER, MOBILEAPPS_FOLDER = 9, 10

# System folder constants (system-folder.md); the "Win" ones are Windows only
SYSTEM, FONTS, USER_PREFERENCES_ALL, USER_PREFERENCES_USER = 0, 1, 2, 3
STARTUP_WIN_ALL, STARTUP_WIN_USER, START_MENU_WIN_ALL, START_MENU_WIN_USER = 4, 5, 8, 9
SYSTEM_WIN, SYSTEM32_WIN, FAVORITES_WIN, DESKTOP, APPLICATIONS_OR_PROGRAM_FILES = 12, 13, 14, 15, 16
DOCUMENTS_FOLDER, HOME_FOLDER = 17, 18

_STARTED = time.time()        # when these commands were loaded: uptime where /proc is missing


def _int(cmd: str, v) -> int:
    if type(v) in (float, int):
        return to_longint(v)
    raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"a number was expected, got {type_name(v)}")


def folder_path(p: Path) -> str:
    """A folder's platform path, ending with the separator."""
    s = str(p)
    return s if s.endswith(os.sep) else s + os.sep


def project_dir(rt) -> Path:
    d = getattr(rt, "project_dir", None)
    return Path(d).resolve() if d is not None else Path.cwd()


def _active_4d_folder() -> Path:
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", Path.home())) / "4D"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "4D"
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "4D"


def get_4d_folder(rt, *args):
    """Get 4D folder {( folder {; options} {; *} )}; an unknown folder or one fourmail does not have
    (a 4D Client folder) is "" with OK set to 0. Resources and Logs folders are created when
    missing, as 4D does."""
    rest = [a for a in args if type(a) in (float, int)]
    kind = _int("Get 4D folder", rest[0]) if rest else ACTIVE_4D_FOLDER
    base = project_dir(rt)
    if kind == ACTIVE_4D_FOLDER:
        p = _active_4d_folder()
    elif kind == LICENSES_FOLDER:
        p = _active_4d_folder() / "Licenses"
    elif kind == DATABASE_FOLDER:
        p = base
    elif kind == DATABASE_FOLDER_UNIX:
        rt.set_ok(1)
        return base.as_posix().rstrip("/") + "/"
    elif kind == CURRENT_RESOURCES_FOLDER:
        p = base / "Resources"
        p.mkdir(parents=True, exist_ok=True)
    elif kind == LOGS_FOLDER:
        p = Path(getattr(rt, "logs_dir", None) or base / "Logs")
        p.mkdir(parents=True, exist_ok=True)
    elif kind == HTML_ROOT_FOLDER:
        p = base / "WebFolder"
    elif kind == DATA_FOLDER:
        p = base / "Data"
    elif kind == MOBILEAPPS_FOLDER:
        p = base / "Data" / "MobileApps"
    else:                     # CLIENT_DATABASE_FOLDER (fourmail is no 4D remote) or unknown
        rt.set_ok(0)
        return ""
    rt.set_ok(1)
    return folder_path(p)


def temporary_folder(rt):
    """Temporary folder: the system's folder for temporary files."""
    return folder_path(Path(tempfile.gettempdir()))


def system_folder(rt, kind=SYSTEM):
    """System folder {( type )} (system-folder.md); "Win" folders are "" on other systems."""
    k = _int("System folder", kind)
    home = Path.home()
    if os.name == "nt":
        env = os.environ.get
        windir = Path(env("WINDIR", r"C:\Windows"))
        appdata, programdata = Path(env("APPDATA", home)), Path(env("PROGRAMDATA", r"C:\ProgramData"))
        start_all, start_user = programdata / r"Microsoft\Windows\Start Menu", appdata / r"Microsoft\Windows\Start Menu"
        table = {SYSTEM: windir / "System32", FONTS: windir / "Fonts", USER_PREFERENCES_ALL: programdata,
                 USER_PREFERENCES_USER: appdata, STARTUP_WIN_ALL: start_all / r"Programs\Startup",
                 STARTUP_WIN_USER: start_user / r"Programs\Startup", START_MENU_WIN_ALL: start_all,
                 START_MENU_WIN_USER: start_user, SYSTEM_WIN: windir, SYSTEM32_WIN: windir / "System32",
                 FAVORITES_WIN: home / "Favorites", DESKTOP: home / "Desktop",
                 APPLICATIONS_OR_PROGRAM_FILES: Path(env("PROGRAMFILES", r"C:\Program Files")),
                 DOCUMENTS_FOLDER: home / "Documents", HOME_FOLDER: home}
    elif sys.platform == "darwin":
        table = {SYSTEM: Path("/System"), FONTS: Path("/Library/Fonts"), USER_PREFERENCES_ALL: Path("/Library/Preferences"),
                 USER_PREFERENCES_USER: home / "Library" / "Preferences", DESKTOP: home / "Desktop",
                 APPLICATIONS_OR_PROGRAM_FILES: Path("/Applications"), DOCUMENTS_FOLDER: home / "Documents",
                 HOME_FOLDER: home}
    else:
        table = {SYSTEM: Path("/etc"), FONTS: Path("/usr/share/fonts"), USER_PREFERENCES_ALL: Path("/etc"),
                 USER_PREFERENCES_USER: Path(os.environ.get("XDG_CONFIG_HOME", home / ".config")),
                 DESKTOP: home / "Desktop", APPLICATIONS_OR_PROGRAM_FILES: Path("/usr/bin"),
                 DOCUMENTS_FOLDER: home / "Documents", HOME_FOLDER: home}
    p = table.get(k)
    return folder_path(p) if p is not None else ""


def folder_separator(rt):
    """Folder separator: the character between folder names in a platform path."""
    return os.sep


def is_macos(rt):
    return sys.platform == "darwin"


def is_windows(rt):
    return os.name == "nt"


def _process_age() -> float:
    """Seconds since this process started: from /proc where there is one, else since its commands
    were loaded."""
    try:
        with open("/proc/self/stat") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            return max(float(f.read().split()[0]) - start_ticks / os.sysconf("SC_CLK_TCK"), 1e-3)
    except (OSError, ValueError, IndexError, AttributeError):
        return max(time.time() - _STARTED, 1e-3)


def get_application_info(rt):
    """Get application info: what a standalone application reports (get-application-info.md).
    fourmail has no window: it runs headless."""
    t = os.times()
    age = _process_age()
    return {"launchedAsService": False, "volumeShadowCopyStatus": "notAvailable",
            "cpuUsage": round(100.0 * min((t.user + t.system) / age, 1.0), 6),
            "uptime": float(int(age)), "headless": True, "pid": float(os.getpid())}


def current_user(rt):
    """Current user: with no password system (projects by default) every user is the Designer."""
    return "Designer"


# ---------------------------------------------------------------- Localized string


_XLIFF_CACHE: dict = {}        # (folder, its .xlf files and times) -> strings: read once while unchanged


def _xliff_strings(folder: Path) -> dict[str, str]:
    """resname -> target (or source) of the trans-units of the .xlf files of a folder."""
    out: dict[str, str] = {}
    for f in sorted(folder.glob("*.xlf")):
        try:
            root = ET.parse(f).getroot()
        except (ET.ParseError, OSError):
            continue
        for unit in root.iter():
            if not unit.tag.endswith("trans-unit"):
                continue
            name = unit.get("resname") or unit.get("id")
            if not name or name in out:
                continue
            texts = {child.tag.rsplit("}", 1)[-1]: "".join(child.itertext()) for child in unit}
            value = texts.get("target", texts.get("source"))
            if value is not None:
                out[name] = value
    return out


def localized_string(rt, resname):
    """Localized string ( resName ): the string of the XLIFF files of Resources/<lang>.lproj
    (the first language folder holding it, "en" first); "" with OK=0 when no file has it
    (localized-string.md)."""
    if type(resname) is not str:
        raise FourDError(E.BAD_PARAMETER, name="Localized string", detail=f"a Text was expected, got {type_name(resname)}")
    res = project_dir(rt) / "Resources"
    folders = sorted(res.glob("*.lproj")) if res.is_dir() else []
    folders.sort(key=lambda p: p.stem.lower() not in ("en", "english"))
    for folder in folders:
        stamp = (folder, tuple((f.name, f.stat().st_mtime_ns) for f in sorted(folder.glob("*.xlf"))))
        strings = _XLIFF_CACHE.get(stamp)
        if strings is None:
            strings = _XLIFF_CACHE[stamp] = _xliff_strings(folder)
        if resname in strings:
            rt.set_ok(1)
            return strings[resname]
    rt.set_ok(0)
    return ""

