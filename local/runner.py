"""What the dispatcher and the scheduler share: one thread per event source of the app,
stopped together, as Lambda's pollers and EventBridge's rules each invoke on their own."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import Any

from chalice import Chalice


class SourceRunner:
    """Runs `_loop(source)` in a daemon thread per source until `stop()`."""

    def __init__(self) -> None:
        self._stop = threading.Event()

    def sources(self) -> list[Any]:
        raise NotImplementedError

    def _loop(self, source: Any) -> None:
        raise NotImplementedError

    def start(self) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self._loop, args=(s,), name=s.name, daemon=True)
            for s in self.sources()
        ]
        for t in threads:
            t.start()
        return threads

    def stop(self) -> None:
        self._stop.set()

    def wait(self) -> None:
        while not self._stop.wait(0.5):
            pass

    def serve(self, log: logging.Logger, what: str) -> None:
        """Run until SIGTERM (Ctrl-C is the stack's to handle)."""
        signal.signal(signal.SIGTERM, lambda *_: self.stop())
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        threads = self.start()
        log.info("%s %s", what, ", ".join(t.name for t in threads) or "nothing")
        self.wait()


def load_app() -> Chalice:
    """The app as `chalice local` loads it, from the project root."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    from local.gateway import ROOT

    sys.path.insert(0, str(ROOT))
    from chalice.cli.factory import CLIFactory

    return CLIFactory(project_dir=str(ROOT)).load_chalice_app()
