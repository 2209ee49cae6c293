"""The sandbox's size limits, one place for all three protocols.

A message is refused above MESSAGE_SIZE_LIMIT whichever way it arrives (SMTP DATA, IMAP APPEND),
and a client that has not signed in may send no literal larger than PREAUTH_LITERAL_LIMIT: an
unauthenticated peer must not make the sandbox buffer megabytes it will never store.
"""
MESSAGE_SIZE_LIMIT = 25 * 1024 * 1024     # 25 MiB: the size Gmail, the docs' usual server, allows a message
PREAUTH_LITERAL_LIMIT = 8 * 1024          # enough for any AUTHENTICATE or LOGIN argument

# Sessions open at once on one listener. Each holds two file descriptors (its socket and its
# transcript), so without a cap a few hundred idle clients exhaust the process's descriptors and
# every protocol stops; over the cap a connection gets the protocol's "too many" reply and is closed.
MAX_SESSIONS = 200


def raise_open_files_limit() -> None:
    """Lift the process's soft limit on open files to its hard limit (often 1024 against 4096 or
    more): the sandbox's sessions and transcripts need the room, and nothing is lost."""
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):      # not POSIX, or not allowed: keep what there is
        pass


def capped(factory, refusal: bytes):
    """A protocol factory for a listener that serves at most MAX_SESSIONS sessions at once.

    A session counts from its connection_made (after the TLS handshake on an implicit-TLS
    listener: a handshake that fails never reaches the protocol) to its connection_lost; a
    connection over the cap is sent `refusal` and closed without reaching the protocol."""
    open_sessions = 0

    def make():
        nonlocal open_sessions
        protocol = factory()
        made, lost = protocol.connection_made, protocol.connection_lost
        state = {"counted": False, "refused": False}

        def connection_made(transport):
            nonlocal open_sessions
            if not state["counted"] and not state["refused"]:     # a STARTTLS calls it again
                if open_sessions >= MAX_SESSIONS:
                    state["refused"] = True
                    transport.write(refusal)
                    transport.close()
                    return
                state["counted"] = True
                open_sessions += 1
            made(transport)

        def connection_lost(exc):
            nonlocal open_sessions
            if state["refused"]:
                return
            if state["counted"]:
                state["counted"] = False
                open_sessions -= 1
            lost(exc)

        protocol.connection_made, protocol.connection_lost = connection_made, connection_lost
        return protocol

    return make


async def start_capped_server(callback, host: str, port: int, refusal: bytes, *, limit: int = 2 ** 16, **kwargs):
    """asyncio.start_server, with at most MAX_SESSIONS sessions at once (see capped)."""
    import asyncio
    loop = asyncio.get_running_loop()

    def factory():
        return asyncio.StreamReaderProtocol(asyncio.StreamReader(limit=limit, loop=loop), callback, loop=loop)

    return await loop.create_server(capped(factory, refusal), host, port, **kwargs)
