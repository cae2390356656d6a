"""The master keyring as the API uses it: a missing or malformed PREFLIGHT_MASTER_KEY is the service's fault
(503), never the client's."""

from __future__ import annotations

from service.errors import ServiceUnavailableError
from workers.sealing import Keyring, MasterKeyError, keyring_of
from workers.settings import SealingSettings


def service_keyring(sealing: SealingSettings) -> Keyring:
    try:
        return keyring_of(sealing.master_keys)
    except MasterKeyError as exc:
        raise ServiceUnavailableError(str(exc)) from None
