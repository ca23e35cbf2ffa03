"""python-telegram-bot's network layer on aiohttp instead of httpx.

Measured with bench/telegram_load.py, httpx (through httpcore) spent more CPU per Bot API call
than our whole engine spends answering the question: its pool checks every idle connection for
expiry on each request and builds its response models in pure Python. aiohttp parses HTTP in C
and keeps a plain connection pool. PTB supports this swap through `BaseRequest`; behaviour
(timeouts, errors) stays that of PTB's own `HTTPXRequest`.
"""

from __future__ import annotations

import json
import ssl
import urllib.request
from urllib.parse import urlsplit

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.health import API

JSON_HEADERS = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """One aiohttp session with up to `connection_pool_size` keep-alive connections.

    Timeouts mean what they mean in PTB: connect, read and write per request, plus how long to
    wait for a free connection (pool). aiohttp has no separate write timeout, so the sum of all
    four bounds the whole request: a stalled upload still ends.
    """

    def __init__(
        self,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts[0]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self._pool_size, ssl=ssl.create_default_context(cafile=certifi.where())
                ),
                headers={"User-Agent": self.USER_AGENT},
                trust_env=False,  # proxies: see _proxy
                skip_auto_headers=("Accept-Encoding",),
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _proxy(self, url: str) -> str | None:
        """The environment's proxy (HTTPS_PROXY, NO_PROXY, ...) for this URL, looked up once per
        host: aiohttp's trust_env reads the environment again on every request, which cost
        more than a millisecond of CPU per call."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            proxy = urllib.request.getproxies().get(parts.scheme)
            self._proxies[key] = None if proxy and urllib.request.proxy_bypass(key[1]) else proxy
        return self._proxies[key]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read, write, connect, pool = (
            default if isinstance(given, DefaultValue) else given
            for given, default in zip(
                (read_timeout, write_timeout, connect_timeout, pool_timeout), self._timeouts, strict=True
            )
        )
        if files and isinstance(write_timeout, DefaultValue):
            write = self._media_write_timeout
        parts = (read, write, connect, pool)
        timeout = aiohttp.ClientTimeout(
            total=None if None in parts else sum(p for p in parts if p is not None),
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and files:
            body = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                body.add_field(name, value)
            for name, (filename, content, mime_type) in files.items():
                body.add_field(name, content, filename=filename, content_type=mime_type)
        elif request_data is not None:
            # JSON, which the Bot API takes for everything but uploads: URL-encoding the
            # same fields (PTB's default) costs more CPU for the same message.
            body, headers = json.dumps(request_data.parameters).encode(), JSON_HEADERS
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=self._proxy(url)
            ) as response:
                status, payload = response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err
        if status == 200:
            API.ok()  # for the health report: when Telegram last answered
        return status, payload
