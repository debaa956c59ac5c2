"""Index builds started over HTTP, run as child processes (`kb admin ingest-files`), tracked as jobs.

A child process keeps the API responsive and isolates the build: if it dies (OOM, kill -9) the served
generation is untouched because CURRENT switches only at the end. Job state lives in JSON files under
``data_dir/uploads/jobs`` so every API worker can report on any job."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kb.errors import NotFound
from kb.settings import Settings

log = logging.getLogger("kb.api.admin")

CLI = "from cli import main; main()"  # the admin build runs as a child process of the `kb` CLI, never imported


class JobNotFound(NotFound):
    code = "job_not_found"


def _env_for(settings: Settings) -> dict[str, str]:
    """The child sees the same settings as this worker (explicit KB_* values win over the inherited env)."""
    env = dict(os.environ)
    for name in ("data_dir", "corpus_root", "manifest_path", "glossary_path", "embedding_model", "embedding_languages",
                 "embedding_device", "chroma_url"):
        env[f"KB_{name.upper()}"] = str(getattr(settings, name))
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env.setdefault("ANONYMIZED_TELEMETRY", "False")
    return env


class JobManager:
    def __init__(self, settings: Settings, on_success: Callable[[], None] | None = None) -> None:
        self.settings = settings
        self.folder = settings.data_dir / "uploads" / "jobs"
        self.on_success = on_success

    def _path(self, job_id: str) -> Path:
        if not job_id.isalnum():
            raise JobNotFound("No such job.")
        return self.folder / f"{job_id}.json"

    def _write(self, job: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(job["job_id"])
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(job, ensure_ascii=False, default=str), encoding="utf-8")
        tmp.replace(path)

    def get(self, job_id: str) -> dict[str, Any]:
        try:
            return json.loads(self._path(job_id).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise JobNotFound("No such job.") from exc

    def submit(self, files: list[tuple[Path, dict[str, Any]]], *, wait: bool) -> dict[str, Any]:
        job_id = uuid.uuid4().hex
        spec = self.folder / f"{job_id}.spec.json"
        self.folder.mkdir(parents=True, exist_ok=True)
        spec.write_text(json.dumps({"files": [{"path": str(p), "metadata": m} for p, m in files]}, ensure_ascii=False, default=str),
                        encoding="utf-8")
        job: dict[str, Any] = {"job_id": job_id, "status": "queued", "created": time.time(),
                               "files": [p.name for p, _ in files]}
        self._write(job)
        if wait:
            self._run(job, spec)
            return self.get(job_id)
        threading.Thread(target=self._run, args=(job, spec), name=f"kb-build-{job_id[:8]}", daemon=True).start()
        return job

    def _run(self, job: dict[str, Any], spec: Path) -> None:
        proc = subprocess.Popen(
            [sys.executable, "-c", CLI, "admin", "ingest-files", str(spec)],
            env=_env_for(self.settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        job.update(status="running", pid=proc.pid, started=time.time())
        self._write(job)
        out, err = proc.communicate()
        job["finished"] = time.time()
        if proc.returncode == 0:
            last = (out.strip().splitlines() or ["{}"])[-1]
            try:
                summary = json.loads(last)
            except ValueError:
                summary = {}
            job.update(generation=summary.get("generation"), previous_generation=summary.get("previous_generation"))
            # The served index switches before the job reads "succeeded": a client that sees it succeed and asks
            # at once is answered from the new generation (writing the status first left a window where it was not).
            if self.on_success:
                try:
                    self.on_success()
                except Exception:  # the build is done; a reload failure shows on /readyz
                    log.exception("reload after build failed", extra={"job_id": job["job_id"]})
                    job["served"] = False
            job["status"] = "succeeded"
            self._write(job)
        else:
            # The child's stderr may hold paths and tracebacks: log it, give the client only a reason.
            log.error("index build failed", extra={"job_id": job["job_id"], "returncode": proc.returncode,
                                                   "stderr_tail": err[-4000:]})
            reason = "killed" if proc.returncode < 0 else "build_failed"
            job.update(status="failed", error={"code": reason, "returncode": proc.returncode,
                                               "message": "The index build did not complete; the previous generation is still served."})
            self._write(job)
        spec.unlink(missing_ok=True)
