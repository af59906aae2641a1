"""What every response shares: no stack trace or file path in an error, request bodies under a limit,
security headers on HTML, CORS that lets any site read (GET, HEAD, and POST of a query) and none write."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cnbudget.api.settings import Settings

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
_CORS = {"access-control-allow-origin": "*", "access-control-allow-methods": "GET, HEAD, POST, OPTIONS",
         "access-control-allow-headers": "Accept, Content-Type", "access-control-max-age": "600"}


class Guard:
    """ASGI middleware: refuses bodies over `max_body` bytes (413), answers CORS preflights, adds headers."""

    def __init__(self, app: ASGIApp, max_body: int):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await _plain(send, 413, f"the request body is over the limit of {self.max_body:,} bytes")
        if scope["method"] == "OPTIONS":
            return await _plain(send, 204, "", extra=_CORS)
        if scope["method"] not in ("GET", "HEAD", "POST"):
            return await _plain(send, 405, "this service only reads: GET, HEAD and POST (of a query)",
                                extra={"allow": "GET, HEAD, POST"})
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge()
            return message

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = _with_headers(message.get("headers", []))
            await send(message)

        try:
            await self.app(scope, limited, send_with_headers)
        except _TooLarge:
            if not started:
                await _plain(send, 413, f"the request body is over the limit of {self.max_body:,} bytes")


class _TooLarge(Exception):
    pass


def _with_headers(raw: list) -> list:
    have = {k.lower() for k, _ in raw}
    out = list(raw)
    ctype = next((v for k, v in raw if k.lower() == b"content-type"), b"")
    extra = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin", **_CORS}
    if ctype.startswith(b"text/html"):
        extra.update({"content-security-policy": CSP, "x-frame-options": "DENY"})
    for k, v in extra.items():
        if k.encode() not in have:
            out.append((k.encode(), v.encode()))
    return out


async def _plain(send: Send, status: int, text: str, extra: dict | None = None) -> None:
    body = (text + "\n").encode() if text else b""
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in {**_CORS, **(extra or {})}.items()]
    await send({"type": "http.response.start", "status": status,
                "headers": _with_headers(headers) if status != 204 else headers})
    await send({"type": "http.response.body", "body": body})


def install(app: FastAPI, settings: Settings) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        text = exc.detail if isinstance(exc.detail, str) else "error"
        return PlainTextResponse(text + "\n", status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return PlainTextResponse("the request is not valid here\n", status_code=400)

    @app.exception_handler(Exception)
    async def failure(request: Request, exc: Exception):  # logged by uvicorn; never shown
        return PlainTextResponse("the server failed to answer this request\n", status_code=500)

    app.add_middleware(Guard, max_body=settings.max_body)
