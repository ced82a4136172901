"""A faithful fake of the Ultravox REST API, built from its OpenAPI schema.

Used by the tests and by ``--sandbox``. It imports nothing from the client or render
layers: it is an independent witness, so a misreading of the API in our models cannot
hide in a fake that shares it.

    app = create_app()                      # generate_dataset(seed=7), fresh Faults
    with run_loopback(app) as base_url:     # real HTTP on 127.0.0.1
        ...
"""

from .app import SANDBOX_API_KEY, RecordedRequest, RequestLog, create_app
from .data import SandboxData, generate_dataset
from .data.model import CallRecord, Notable, PlantedCase, StageRecord
from .faults import Faults
from .in_process import SANDBOX_BASE_URL, in_process_sandbox, sandbox_settings
from .loopback import run_loopback, run_loopback_with_storage
from .media import RecordingStore

__all__ = [
    "SANDBOX_API_KEY",
    "SANDBOX_BASE_URL",
    "CallRecord",
    "Faults",
    "Notable",
    "PlantedCase",
    "RecordedRequest",
    "RecordingStore",
    "RequestLog",
    "SandboxData",
    "StageRecord",
    "create_app",
    "generate_dataset",
    "in_process_sandbox",
    "run_loopback",
    "run_loopback_with_storage",
    "sandbox_settings",
]
