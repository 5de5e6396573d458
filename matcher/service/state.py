"""What a running service holds: the store, the loaded datasets, jobs, limits.

Datasets are loaded with ``load_dataset`` from folders under the data root
only (a folder outside it is refused) and registered under a name with the
municipality they belong to. Every read of patient-level data is written to
the store's audit log by ``audit_reads`` (action ``read``), as writes are.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..dataset.load import Dataset, load_dataset
from ..errors import InputError
from ..store import Store, open_store
from ..store.audit import record
from ..words.problems import problem
from .auth import Principal
from .config import ServiceConfig
from .jobs import Jobs
from .limits import RateLimit
from .problems import Refused

__all__ = ["Loaded", "ServiceState"]


@dataclass(frozen=True)
class Loaded:
    """A dataset the service has loaded, its folder and municipality."""

    name: str
    folder: Path
    municipality: str | None
    dataset: Dataset

    def view(self) -> dict[str, Any]:
        """What a caller sees of it: counts, never a row."""
        data = self.dataset
        return {
            "name": self.name,
            "municipality": self.municipality,
            "patients": len(data.patients),
            "offers": len(data.offers),
            "sessions": len(data.sessions),
            "warnings": len(data.warnings),
        }


class ServiceState:
    """The service's store, datasets, jobs and rate limit."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.store: Store = open_store(config.db)
        self.jobs = Jobs(
            workers=config.limits.job_workers,
            waiting=config.limits.jobs_waiting,
            limit_s=config.limits.job_seconds,
        )
        self.rate = RateLimit(config.limits.per_minute)
        self._datasets: dict[str, Loaded] = {}
        self._lock = threading.Lock()
        for folder in config.datasets:
            self.load(folder.name, folder, config.municipality, trusted=True)

    def close(self) -> None:
        """Close the store and stop taking jobs."""
        self.jobs.close()
        self.store.close()

    def _inside_root(self, folder: Path) -> Path:
        root = self.config.data_root.resolve()
        try:
            path = (root / folder).resolve()
            found = path.is_relative_to(root) and path.is_dir()
        except (OSError, ValueError):  # a name too long for the file system, a NUL
            found = False
        if not found:
            template = "is not a dataset folder under the service's data folder"
            raise InputError([problem("folder", None, None, template)])
        return path

    def load(
        self, name: str, folder: Path, municipality: str | None, *, trusted: bool = False
    ) -> Loaded:
        """Load ``folder`` as dataset ``name`` (loading a name again replaces it):
        a folder a caller names must lie under the data root; one the service
        was started with (``trusted``) may lie anywhere."""
        path = folder.resolve() if trusted else self._inside_root(folder)
        loaded = Loaded(name, path, municipality, load_dataset(path))
        with self._lock:
            self._datasets[name] = loaded
        return loaded

    def datasets(self, caller: Principal) -> list[Loaded]:
        """The datasets ``caller`` may use."""
        with self._lock:
            known = list(self._datasets.values())
        return [d for d in known if caller.covers(d.municipality)]

    def dataset(self, name: str, caller: Principal) -> Loaded:
        """Dataset ``name``; 404 when unknown, 403 when of another municipality."""
        with self._lock:
            loaded = self._datasets.get(name)
        if loaded is None:
            template = "no dataset '{name}' is loaded"
            raise Refused(404, "input", [problem("dataset", None, None, template, name=name)])
        if not caller.covers(loaded.municipality):
            template = "belongs to another municipality than the caller's"
            raise Refused(403, "role", [problem("dataset", None, None, template)])
        return loaded

    def own_store(self, caller: Principal) -> None:
        """Refuse (403) a caller of another municipality than the store's."""
        if not caller.covers(self.config.municipality):
            template = "belongs to another municipality than the caller's"
            raise Refused(403, "role", [problem("store", None, None, template)])

    def audit_reads(
        self, caller: Principal, object_type: str, object_id: object, patients: list[str]
    ) -> None:
        """Write one ``read`` entry per patient whose data ``caller`` is shown."""
        if not patients:
            return
        actor = caller.audit_actor()
        with self.store.write() as session:
            for patient_id in dict.fromkeys(patients):
                record(session, actor, "read", object_type, object_id, patient_id=patient_id)
