"""Processes and workers: CALL WORKER, KILL WORKER, New process and the end of a run.

A worker is another process: its own process variables, kept from one message to the next, and
its messages run one after another in the order they were sent; `<>` variables are the run's.
The tests never depend on timing: a process waits for another through `<>` flags, and the bounds
on the time a test takes only catch a hang.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import threading

from conftest import REPO, run4d


def project(tmp_path, **methods):
    """Project methods NAME.4dm in tmp_path."""
    for name, source in methods.items():
        (tmp_path / f"{name}.4dm").write_text(source)
    return tmp_path


def run(tmp_path, source, **methods):
    return run4d(source, project_dir=project(tmp_path, **methods))


def process_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("4D process")]


# A method that holds its process until the main process raises `<>go`, however slow the machine.
HOLD = """#DECLARE($what : Text)
If ($what="hold")
    $turns:=0
    While (Not(Bool(<>go)) & ($turns<3600))
        DELAY PROCESS(Current process; 1)
        $turns:=$turns+1
    End while
Else
    ALERT($what)
    If ($what="stop")
        KILL WORKER
    End if
End if
"""


def test_messages_run_one_after_another_in_the_order_sent(tmp_path):
    r = run(tmp_path, """
For ($i; 1; 40)
    CALL WORKER("counter"; "note"; $i)
End for
CALL WORKER("counter"; "tell")
""", note="#DECLARE($n : Integer)\nIf (vSeen=Null)\n    vSeen:=New collection\nEnd if\nvSeen.push($n)\n",
        tell='ALERT(JSON Stringify(vSeen))\n')
    assert r.error is None, r.error and r.error.describe()
    assert r.lines == ["[" + ",".join(str(i) for i in range(1, 41)) + "]"]


def test_a_workers_process_variables_are_its_own_and_interprocess_ones_are_shared(tmp_path):
    r = run(tmp_path, """
vWho:="main"
<>said:="main speaking"
CALL WORKER("other"; "meet")
""", meet="""ALERT("worker sees vWho="+String(vWho)+" and <>said="+<>said)
vWho:="worker"
<>said:="worker speaking"
CALL WORKER(1; "answer")
""", answer='ALERT("main has vWho="+vWho+", <>said="+<>said+" in process "+String(Current process))\n')
    assert r.error is None, r.error and r.error.describe()
    assert r.lines == ["worker sees vWho= and <>said=main speaking",
                       "main has vWho=main, <>said=worker speaking in process 1"]


def test_a_worker_keeps_its_variables_and_its_name_between_messages(tmp_path):
    r = run(tmp_path, """
CALL WORKER("tally"; "tick"; 5)
CALL WORKER("tally"; "tick"; 7)
CALL WORKER("Tally"; "tick"; 100)
""", tick="""#DECLARE($n : Integer)
var vTotal : Integer
vTotal:=vTotal+$n
ALERT(Current process name+" "+String(vTotal))
""")
    assert r.error is None, r.error and r.error.describe()
    # worker names are case sensitive: "Tally" is a second worker
    assert sorted(r.lines) == sorted(["tally 5", "tally 12", "Tally 100"])
    assert r.lines.index("tally 5") < r.lines.index("tally 12")


def test_an_empty_method_name_runs_the_workers_startup_method(tmp_path):
    r = run(tmp_path, """
CALL WORKER("w"; "begin"; "first")
CALL WORKER("w"; ""; "again")
CALL WORKER(1; "")
""", begin='#DECLARE($t : Text)\nALERT("begin "+$t)\n')
    assert r.error is None, r.error and r.error.describe()
    assert r.lines == ["begin first", "begin again"]


def test_objects_passed_to_a_worker_are_copies(tmp_path):
    r = run(tmp_path, """
vBox:=New object("label"; "kept")
CALL WORKER("w"; "change"; vBox)
""", change="""#DECLARE($box : Object)
$box.label:="changed"
ALERT("worker: "+$box.label)
CALL WORKER(1; "look")
""", look='ALERT("main: "+vBox.label)\n')
    assert r.lines == ["worker: changed", "main: kept"]


def test_new_process_runs_its_method_with_its_parameters(tmp_path):
    r = run(tmp_path, """
$p:=New process("job"; 0; "the job"; "text"; 42; New collection(1; 2))
ALERT("started "+String($p>1))
ALERT("unique "+String(New process("job"; 0; "Main process"; *)))
""", job="""#DECLARE($t : Text; $n : Integer; $c : Collection)
ALERT(Current process name+": "+$t+" "+String($n)+" "+JSON Stringify($c)+" in "+String(Current process))
""")
    assert r.error is None, r.error and r.error.describe()
    # `*` with the name of a live process: its number, no new process
    assert sorted(r.lines) == ["started True", "the job: text 42 [1,2] in 2", "unique 1"]


def test_process_number_state_and_names(tmp_path):
    r = run(tmp_path, """
ALERT(Current process name+" "+String(Current process)+" "+String(Process number("Main process")))
ALERT(String(Process number("nobody"))+" "+String(Process state(1))+" "+String(Process state(99)))
$p:=New process("quick"; 0; "quick one")
$turns:=0
Repeat
    DELAY PROCESS(Current process; 1)
    $turns:=$turns+1
Until ((Process state($p)<0) | ($turns>3600))
ALERT("ended: "+String(Process state($p))+" "+String(Process number("quick one")))
""", quick="vNothing:=1\n")
    assert r.error is None, r.error and r.error.describe()
    assert r.lines == ["Main process 1 1", "0 0 -100", "ended: -1 0"]


def test_delay_process_of_another_process_replaces_its_delay(tmp_path):
    r = run(tmp_path, """
CALL WORKER("sleeper"; "sleep")
$p:=Process number("sleeper")
$turns:=0
While ((Process state($p)#Delayed) & ($turns<3600))
    DELAY PROCESS(Current process; 1)
    $turns:=$turns+1
End while
DELAY PROCESS($p; 0)
""", sleep='DELAY PROCESS(Current process; 216000)\nALERT("awake")\n')
    assert r.error is None, r.error and r.error.describe()
    assert r.lines == ["awake"]


def test_kill_worker_in_the_worker_drops_its_pending_messages(tmp_path):
    r = run(tmp_path, """
CALL WORKER("k"; "hold"; "hold")
CALL WORKER("k"; "hold"; "stop")
CALL WORKER("k"; "hold"; "never")
<>go:=True
""", hold=HOLD)
    assert r.error is None, r.error and r.error.describe()
    assert r.lines == ["stop"]


def test_kill_worker_from_another_process_and_a_new_worker_after_it(tmp_path):
    r = run(tmp_path, """
CALL WORKER("k"; "hold"; "hold")
CALL WORKER("k"; "hold"; "dropped")
KILL WORKER("k")
<>go:=True
CALL WORKER("k"; "hold"; "a new worker named k")
""", hold=HOLD)
    assert r.error is None, r.error and r.error.describe()
    assert r.lines == ["a new worker named k"]


def test_an_error_in_a_worker_is_reported_and_the_run_goes_on(tmp_path, capsys):
    r = run(tmp_path, """
CALL WORKER("fragile"; "fail"; "boom")
CALL WORKER("fragile"; "fail"; "fine")
ALERT("main goes on")
""", fail="""#DECLARE($how : Text)
If ($how="boom")
    throw(123; "the worker broke")
End if
ALERT("next message: "+$how)
""")
    assert r.error is None
    assert sorted(r.lines) == ["main goes on", "next message: fine"]
    err = capsys.readouterr().err
    assert "process 2 (fragile): fail:3: error 123 (host): the worker broke\n" in err
    assert 'throw(123; "the worker broke")' in err


def test_a_calling_error_is_the_callers(tmp_path):
    r = run(tmp_path, 'CALL WORKER("w"; "noSuchMethod")\n')
    assert r.error is not None and r.error.code == 64 and "noSuchMethod" in r.error.message


def test_the_run_waits_for_every_process_and_leaves_no_thread(tmp_path):
    r = run(tmp_path, """
CALL WORKER("late"; "slow"; "worker")
$p:=New process("slow"; 0; "process"; "process")
ALERT("main done")
""", slow='#DECLARE($who : Text)\nDELAY PROCESS(Current process; 12)\nALERT($who+" done")\n')
    assert r.error is None, r.error and r.error.describe()
    assert r.lines[0] == "main done"
    assert sorted(r.lines[1:]) == ["process done", "worker done"]
    assert process_threads() == []


def test_fourmail_run_prints_what_the_worker_printed(tmp_path):
    project(tmp_path, greet='#DECLARE($who : Text)\nALERT("hello from "+Current process name+", "+$who)\n')
    script = tmp_path / "main.4dm"
    script.write_text('CALL WORKER("greeter"; "greet"; "main")\n')
    p = subprocess.run([sys.executable, "-m", "fourmail", "run", str(script)], capture_output=True, text=True,
                       cwd=REPO, stdin=subprocess.DEVNULL, timeout=120)
    assert (p.returncode, p.stdout, p.stderr) == (0, "hello from greeter, main\n", "")


def test_ctrl_c_stops_a_worker_that_never_ends(tmp_path):
    project(tmp_path, spin='ALERT("spinning")\nWhile (True)\nEnd while\n')
    script = tmp_path / "main.4dm"
    script.write_text('CALL WORKER("spinner"; "spin")\n')
    p = subprocess.Popen([sys.executable, "-m", "fourmail", "run", str(script)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, cwd=REPO)
    try:
        assert p.stdout.readline() == "spinning\n"
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        p.kill()
    assert p.returncode == 130
    assert err == "\ninterrupted (error 1006: user interruption)\n"


def test_each_process_has_its_own_error_method_and_ok(tmp_path, capsys):
    r = run(tmp_path, """
ON ERR CALL("mainCatcher")
OK:=0
CALL WORKER("w"; "risky"; "unguarded")
CALL WORKER("w"; "guard")
CALL WORKER("w"; "risky"; "guarded")
""", mainCatcher='ALERT("main caught "+String(Error))\n',
        workerCatcher='ALERT("worker caught "+String(Error))\n',
        guard='ON ERR CALL("workerCatcher")\n',
        risky='#DECLARE($how : Text)\nALERT($how+" OK="+String(OK))\nthrow(77; "risky")\n')
    assert r.error is None, r.error and r.error.describe()
    assert r.lines == ["unguarded OK=1", "guarded OK=1", "worker caught 77"]
    assert "process 2 (w): risky:3: error 77 (host): risky\n" in capsys.readouterr().err


def test_the_others_go_on_after_the_main_methods_error(tmp_path):
    r = run(tmp_path, """
CALL WORKER("w"; "say"; "still here")
throw(9; "the main method broke")
""", say='#DECLARE($t : Text)\nDELAY PROCESS(Current process; 6)\nALERT($t)\n')
    assert r.error is not None and r.error.code == 9
    assert r.lines == ["still here"]
    assert process_threads() == []


# Until `<>flag` is true (the bound only catches a hang).
def wait_for(flag: str) -> str:
    return (f"$turns:=0\nWhile (Not(Bool(<>{flag})) & ($turns<3600))\n"
            f"    DELAY PROCESS(Current process; 1)\n    $turns:=$turns+1\nEnd while\n")


def test_storage_is_the_runs_and_use_waits_for_the_process_that_has_it(tmp_path):
    r = run(tmp_path, """
Use (Storage)
    Storage.log:=New shared object("text"; "")
End use
CALL WORKER("holder"; "hold")
""" + wait_for("holding") + """
Try
    Storage.log.text:="main, without Use"
Catch
    ALERT("main may not write: "+Last errors[0].message)
End try
<>go:=True
Use (Storage.log)
    Storage.log.text:=Storage.log.text+" then main"
End use
ALERT(Storage.log.text)
""", hold="""Use (Storage.log)
    <>holding:=True
""" + wait_for("go") + """
    DELAY PROCESS(Current process; 6)
    Storage.log.text:="worker"
End use
""")
    assert r.error is None, r.error and r.error.describe()
    assert r.lines[0].startswith("main may not write: ")
    assert r.lines[1] == "worker then main"


def test_a_singleton_is_one_per_process_a_shared_singleton_one_per_run(tmp_path):
    classes = tmp_path / "Classes"
    classes.mkdir()
    (classes / "Counter.4dm").write_text("property n : Integer\nsingleton Class constructor()\n  This.n:=0\n")
    (classes / "Tally.4dm").write_text("property n : Integer\nshared singleton Class constructor()\n  This.n:=0\n")
    r = run(tmp_path, """
cs.Counter.me.n:=5
Use (cs.Tally.me)
    cs.Tally.me.n:=5
End use
CALL WORKER("other"; "look")
""", look='ALERT(String(cs.Counter.me.n)+" "+String(cs.Tally.me.n))\n')
    assert r.error is None, r.error and r.error.describe()
    assert r.lines == ["0 5"]
