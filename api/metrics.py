"""Prometheus metrics, registered per app instance (nothing at import time), served at ``/metrics``.

- ``jiuzhu_http_request_duration_seconds{method,route,status}``: a histogram by route *template*;
- ``jiuzhu_commands_total{kind,outcome}``: writes by operation id and outcome (ok, replayed, refused,
  conflict, unavailable, error);
- ``jiuzhu_events_appended_total{event}``: events this process saved, by event class;
- ``jiuzhu_payroll_run_payable`` / ``jiuzhu_payroll_run_issued{month}``: the progress of payroll runs;
- read at each scrape from the database: ``jiuzhu_database_up``, ``jiuzhu_events_stored``,
  ``jiuzhu_projection_lag_events`` and ``jiuzhu_projection_lag_seconds{projection}``.

With several workers (``jiuzhu serve --workers N``) each process counts its own requests; when
``PROMETHEUS_MULTIPROC_DIR`` is set (``serve`` sets it for N > 1) a scrape of any worker sums them.
No label ever holds personal data: routes are templates, never paths with ids.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import services_of
from infrastructure.pool import ping

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
UNMATCHED = "<unmatched>"


def outcome(status: int, replayed: bool) -> str:
    if replayed:
        return "replayed"
    if status < 400:
        return "ok"
    if status in (409, 412):
        return "conflict"
    if status == 503:
        return "unavailable"
    return "refused" if status < 500 else "error"


class Metrics:
    """The service's metrics in a registry of their own."""

    def __init__(self, services: Callable[[], Any]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "jiuzhu_http_request_duration_seconds",
            "HTTP request latency by method, route template and status",
            ["method", "route", "status"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.commands = Counter(
            "jiuzhu_commands", "Write requests by operation and outcome", ["kind", "outcome"], registry=self.registry
        )
        self.events = Counter(
            "jiuzhu_events_appended", "Events saved by this process, by event class", ["event"], registry=self.registry
        )
        self.payroll_payable = Gauge(
            "jiuzhu_payroll_run_payable",
            "Enrolments payable in the latest payroll run of a month",
            ["month"],
            registry=self.registry,
            multiprocess_mode="max",
        )
        self.payroll_issued = Gauge(
            "jiuzhu_payroll_run_issued",
            "Payments issued so far by the latest payroll run of a month (equal to payable once it ends)",
            ["month"],
            registry=self.registry,
            multiprocess_mode="max",
        )
        self.live = CollectorRegistry()
        self.live.register(LiveCollector(services))

    def count_events(self, recordings: Sequence[Any]) -> None:
        for r in recordings:
            self.events.labels(type(r.domain_event).__qualname__).inc()

    def payroll_progress(self, month: date) -> Callable[[int, int], None]:
        label = f"{month:%Y-%m}"

        def progress(done: int, payable: int) -> None:
            self.payroll_payable.labels(label).set(payable)
            self.payroll_issued.labels(label).set(done)

        return progress

    def exposition(self) -> bytes:
        """The text a scrape gets: every process's counters (multiprocess mode) or this one's, and the live gauges."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            merged = CollectorRegistry()
            multiprocess.MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
            return generate_latest(merged) + generate_latest(self.live)
        return generate_latest(self.registry) + generate_latest(self.live)


class LiveCollector(Collector):
    """Figures read from the database at each scrape: is it up, how far behind are the projections."""

    def __init__(self, services: Callable[[], Any]) -> None:
        self.services = services

    def collect(self) -> Iterator[GaugeMetricFamily]:
        services = self.services()
        up = GaugeMetricFamily("jiuzhu_database_up", "1 when the event store answered this scrape")
        if services is None:
            return
        try:
            ping(services.casework.recorder)  # a scrape must not wait out the library's retries
            stored = services.casework.recorder.max_notification_id() or 0
            lag = services.views.lag()
        except Exception:  # the database is away: say so rather than fail the scrape
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("jiuzhu_events_stored", "Events in the store (the last notification id)", value=stored)
        events = GaugeMetricFamily("jiuzhu_projection_lag_events", "Events not yet projected", labels=["projection"])
        events.add_metric([lag.projection], lag.events)
        yield events
        seconds = GaugeMetricFamily(
            "jiuzhu_projection_lag_seconds", "Age of the oldest event not yet projected", labels=["projection"]
        )
        seconds.add_metric([lag.projection], lag.seconds)
        yield seconds


class MetricsMiddleware:
    """Times every request and counts writes; the route template comes from the matched route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        metrics: Metrics | None = getattr(getattr(scope.get("app"), "state", None), "metrics", None)
        if scope["type"] != "http" or metrics is None or services_of(scope) is None:
            await self.app(scope, receive, send)
            return
        started, status, replayed = time.perf_counter(), 500, False

        async def observed(message: Message) -> None:
            nonlocal status, replayed
            if message["type"] == "http.response.start":
                status = int(message["status"])
                replayed = any(k.lower() == b"idempotent-replayed" for k, _ in message.get("headers", ()))
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            route = scope.get("route") or _route_of(scope)  # a guard refused the request before routing
            template = getattr(route, "path", None) or UNMATCHED
            method = scope["method"]
            metrics.requests.labels(method, template, str(status)).observe(time.perf_counter() - started)
            if method in WRITES:
                kind = getattr(route, "operation_id", None) or UNMATCHED
                metrics.commands.labels(kind, outcome(status, replayed)).inc()


@dataclass(frozen=True)
class RouteRef:
    path: str  # the template, e.g. /api/v1/households/{household_id}
    operation_id: str


def _route_of(scope: Scope) -> RouteRef | None:
    """The route a request would have reached (for requests a guard answered before routing), from the schema."""
    app: Any = scope["app"]
    table: list[tuple[re.Pattern[str], str, dict[str, str]]] | None = getattr(app.state, "route_table", None)
    if table is None:
        table = app.state.route_table = [
            (compile_path(path)[0], path, {m: op.get("operationId", UNMATCHED) for m, op in ops.items()})
            for path, ops in app.openapi().get("paths", {}).items()
        ]
    method = scope["method"].lower()
    for pattern, path, operations in table:
        if method in operations and pattern.match(scope["path"]):
            return RouteRef(path, operations[method])
    return None
