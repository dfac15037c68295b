"""HTTP benchmark of the dashboards under gunicorn at 1,000, 10,000 and 100,000 organisations.

    .venv/bin/python -m tests.perf.bench_http [--sizes 1000,10000,100000] [--seconds 5] [--rounds 3]

For each size it seeds the ``bench`` database with :mod:`tests.perf.bench_scans` (BENCH_DATABASE_URL; the
``test`` database is refused), fills the growth snapshots and projections, creates a staff user, a
municipality viewer for Dordrecht and a partner user, starts ``gunicorn --preload -w 2`` on a free loopback port
and Redis (BENCH_REDIS_URL, default database 14, emptied) for the figures cache,
with :mod:`tests.perf.bench_wsgi` (which adds the floor, a constant route of the portal, and the same
constant answered by plain WSGI before Flask, for reference),
logs in with each user and drives each route for N seconds (wrk when /usr/bin/wrk exists, else a small
threaded http.client generator), in R rounds over all routes, and reports each route's median round.
Beside the portal it serves the second floor, :mod:`tests.perf.bench_minimal` (a separate minimal Flask
app, one constant route, the same gunicorn settings), and reports each route's share of both floors.
Besides requests/s it reads the CPU time of the gunicorn workers from ``/proc/<pid>/task/*/schedstat``
(nanoseconds; ``/proc/<pid>/stat`` ticks where schedstat is missing) before and after each run and
reports CPU milliseconds per request, which stays steady on a busy machine where requests/s does not;
the targets are shares of the minimal app's CPU per request. For the figures pages it also measures the
first request after a figures change (a committed change of a target, median of a few; for the
partner's dashboard, which shows no figures, a change of its own organisation) and the CPU per
request while such a change is committed every second. It prints a Markdown table per size, the peak RSS
(VmHWM) of each gunicorn worker, the SQL statements per page (counted in-process with the Flask test
client), then the checks of the issue as PASS/FAIL lines. It is a report: nothing asserts.

Not collected by pytest (the file is not named test_*.py).
"""

from __future__ import annotations

import argparse
import functools
import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from tests.perf.bench_scans import DEFAULT_URL, ensure_database, seed

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "bench-secret-key-that-is-long-enough-0123456789"
PASSWORD = "bench-password-Correct-Horse-42"
USERS = {  # key: (email, role value)
    "staff": ("http-staff@bench.impactnet.example", "staff"),
    "viewer": ("http-viewer@bench.impactnet.example", "municipality"),
    "partner": ("http-partner@bench.impactnet.example", "partner"),
}
# (label, path, session to use or None, an HTML page under the dashboards issue's 15 % target)
MINIMAL = "minimal Flask app (separate)"
ROUTES = (
    (MINIMAL, "/", None, False),  # served by tests.perf.bench_minimal on its own gunicorn
    ("floor", "/__floor", None, False),
    ("(gunicorn alone, plain WSGI)", "/__wsgi", None, False),
    ("GET /api/v1/regions", "/api/v1/regions", None, False),
    ("GET /regions", "/regions", "staff", True),
    ("GET /municipalities/dordrecht", "/municipalities/dordrecht", "viewer", True),
    ("GET /dashboard (partner)", "/dashboard", "partner", True),
    # The public face ({kvk}: a labelled organisation's number): reported, and checked for at most
    # 8 statements, but not against the dashboards' throughput and size targets.
    ("GET /directory", "/directory", None, False),
    ("GET /directory (search)", "/directory?q=Bench+12&status=labelled", None, False),
    ("GET /directory.json", "/directory.json?municipality=dordrecht", None, False),
    ("GET /verify/<kvk>", "/verify/{kvk}", None, False),
    ("GET /api/v1/verify/<kvk>", "/api/v1/verify/{kvk}", None, False),
    ("GET /badge/<kvk>.svg", "/badge/{kvk}.svg", None, False),
)
CONSTANT_ROUTES = ("/", "/__floor", "/__wsgi")
DASHBOARD_ROUTES = ROUTES[3:7]  # the routes the dashboards issue sets its size targets for
THREADS = 4
REDIS_URL = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/14"
MAX_REQUESTS = 200_000  # per route, whatever the duration
CHANGE_SAMPLES = 5  # first requests after a figures change, per route (the median is reported)
TARGETS = {"api": 0.70, "html": 0.35}  # share of the minimal Flask app's CPU per request
FIRST_AFTER_CHANGE_MS = 15
MEMORY_MB = 100
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def make_bench_app(url: str):
    """The app the benchmark seeds and changes figures with: the gunicorn workers' Redis as its cache,
    so that its commits reach their caches as another process's would."""
    from impactnet import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET_KEY,
            "REDIS_URL": REDIS_URL,
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="impactnet-bench-"),
            "MAIL_BACKEND": "file",
            "PUBLIC_URL": "https://impactnet.example",
            "RATELIMIT_ENABLED": False,
        }
    )


# --- data -----------------------------------------------------------------------------------------------


def prepare(app, db, size: int, backfill: bool) -> dict:
    """Seeds ``size`` organisations, fills snapshots/projections and adds the three users."""
    from flask_migrate import upgrade

    from impactnet.accounts import passwords
    from impactnet.accounts.models import Role, User
    from impactnet.database import local_today, utcnow
    from impactnet.organisations.models import Organisation, OrganisationStatus
    from impactnet.regions.models import Municipality
    from impactnet.stats.services import backfill_snapshots, compute_projections, take_snapshots

    with app.app_context():
        upgrade()
        now, today = utcnow(), local_today()
        started = time.perf_counter()
        seed(db, size, now, random.Random(size))
        if backfill:
            backfill_snapshots((now - timedelta(days=4 * 365 + 1)).date(), today)
        take_snapshots(today)
        compute_projections(today)
        db.session.commit()
        dordrecht = db.session.scalar(sa.select(Municipality).filter_by(slug="dordrecht"))
        organisation = db.session.scalar(
            sa.select(Organisation).filter_by(status=OrganisationStatus.LABELLED).order_by(Organisation.id).limit(1)
        )
        password_hash = passwords.hash_password(PASSWORD)
        links = {
            "staff": {},
            "viewer": {"municipality_id": dordrecht.id},
            "partner": {"organisation_id": organisation.id},
        }
        for key, (email, role) in USERS.items():
            db.session.add(
                User(
                    email=email,
                    name=f"Bench {key}",
                    password_hash=password_hash,
                    role=Role(role),
                    email_verified_at=now,
                    active=True,
                    **links[key],
                )
            )
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("ANALYZE"))
        return {
            "seconds": time.perf_counter() - started,
            "organisation": organisation.id,
            "kvk": organisation.kvk_number,
        }


def change_figures(app, db, step: int = 1) -> None:
    """A committed change of what the figures pages show: Dordrecht's first target moves by ``step``
    (so the cache must not serve the old pages), as staff editing a target would."""
    from impactnet.regions.models import Target

    with app.app_context():
        target = db.session.scalar(sa.select(Target).order_by(Target.id).limit(1))
        target.partners_wanted += step
        db.session.commit()


def change_organisation(app, db, organisation_id: int, _step: int = 1) -> None:
    """A committed change of what the partner's dashboard shows (a target is not on it): the name of
    the partner's organisation, as staff correcting it would (with or without a suffix, in turn)."""
    from impactnet.organisations.models import Organisation

    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        name = organisation.name
        organisation.name = name.removesuffix(SUFFIX) if name.endswith(SUFFIX) else name + SUFFIX
        db.session.commit()


SUFFIX = " (bench)"


def change_for(app, db, who: str | None, organisation_id: int):
    """``change(step)`` for the route of ``who``: the figures pages a target change; the partner's
    dashboard, which shows no figures, a change of its own organisation."""
    if who == "partner":
        return functools.partial(change_organisation, app, db, organisation_id)
    return functools.partial(change_figures, app, db)


def scrape_csrf(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("no csrf_token in the login form")
    return match.group(1) or match.group(2)


def count_statements(app, db, kvk: str, organisation_id: int) -> dict[str, tuple[int, int, int]]:
    """(status, SQL statements with the cache empty, with it filled) of in-process GETs per route, each
    with the route's user logged in: after a figures change (the partner's dashboard: after a change
    of its organisation, ``organisation_id``)."""
    counts = {}
    with app.app_context():
        engine = db.engine
    # No outer app context: each test-client request gets its own (and its own ``g``), as under gunicorn.
    for label, path, who, _html in ROUTES:
        if path in CONSTANT_ROUTES:
            continue
        path = path.format(kvk=kvk)
        client = app.test_client()
        if who:
            page = client.get("/login")
            html = page.get_data(as_text=True)
            if page.status_code != 200:
                raise RuntimeError(f"in-process GET /login: HTTP {page.status_code}")
            response = client.post(
                "/login", data={"email": USERS[who][0], "password": PASSWORD, "csrf_token": scrape_csrf(html)}
            )
            if response.status_code != 302:
                raise RuntimeError(f"in-process login as {who} failed: {response.status_code}")
        client.get(path)  # warm caches (templates, first-connection queries) like a running server
        change_for(app, db, who, organisation_id)(+1 if len(counts) % 2 == 0 else -1)  # every figure read again
        seen = []

        def note(_conn, _cursor, statement, *_args, seen=seen):
            seen.append(statement)

        sa.event.listen(engine, "before_cursor_execute", note)
        try:
            status = client.get(path).status_code  # the figures cache empty: every figure read
            missed = len(seen)
            client.get(path)  # and served from the cache
        finally:
            sa.event.remove(engine, "before_cursor_execute", note)
        counts[label] = (status, missed, len(seen) - missed)
    return counts


# --- server ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    url: str, port: int, instance: str, target: str = "tests.perf.bench_wsgi:app", probe: str = "/__floor"
) -> subprocess.Popen:
    """gunicorn --preload -w 2 as in production: PostgreSQL, and Redis for the figures cache (emptied
    first, so nothing of an earlier run is served)."""
    import redis

    if target.startswith("tests.perf.bench_wsgi"):
        redis.Redis.from_url(REDIS_URL).flushdb()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY=SECRET_KEY,
        IMPACTNET_INSTANCE_PATH=instance,
        RATELIMIT_ENABLED="0",
        REDIS_URL=REDIS_URL,
    )
    env.pop("IMPACTNET_ENV", None)
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--preload",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            if request(port, probe)[0] == 200 and len(workers(process.pid)) >= 2:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_gunicorn(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def workers(master: int) -> list[int]:
    try:
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry.name))
        return pids


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) used so far by the processes ``pids``, all their threads."""
    total = 0.0
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
            total += sum(int((task / "schedstat").read_text().split()[0]) for task in tasks) / 1e9
        except (OSError, ValueError, IndexError):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except OSError:
                pass
    return total


def measured_drive(drive, port: int, path: str, cookie: str | None, seconds: float, pids: list[int]) -> dict:
    """``drive`` plus the gunicorn workers' CPU milliseconds per request during it."""
    before = cpu_seconds(pids)
    result = drive(port, path, cookie, seconds)
    result["cpu_ms"] = 1000 * (cpu_seconds(pids) - before) / max(1, result["count"])
    return result


def first_after_change(app, change, port: int, path: str, cookie: str | None, pids: list[int]) -> float:
    """Median CPU ms of the workers for the first request after a committed change of what the page
    shows, ``change(step)`` (after the processes' local copies have expired, so the request really
    finds the change)."""
    local_seconds = app.config.get("FIGURES_LOCAL_CACHE_SECONDS", 0)
    samples = []
    for index in range(CHANGE_SAMPLES):
        change(+1 if index % 2 == 0 else -1)
        time.sleep(local_seconds + 0.2)
        before = cpu_seconds(pids)
        request(port, path, cookie=cookie)
        samples.append(1000 * (cpu_seconds(pids) - before))
    return sorted(samples)[len(samples) // 2]


def with_changes(change, drive, port: int, path: str, cookie: str | None, seconds: float, pids: list[int]) -> dict:
    """The route driven while ``change(step)`` commits a change of what it shows once a second."""
    stop = threading.Event()

    def changing() -> None:
        step = 1
        while not stop.wait(1.0):
            change(step)
            step = -step

    thread = threading.Thread(target=changing)
    thread.start()
    try:
        return measured_drive(drive, port, path, cookie, seconds, pids)
    finally:
        stop.set()
        thread.join()


def _proc_mb(path: str, field: str) -> float | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def peak_rss_mb(pid: int) -> float | None:
    """The worker's peak resident memory (VmHWM): what the issue's target is about."""
    return _proc_mb(f"/proc/{pid}/status", "VmHWM")


def proportional_mb(pid: int) -> float | None:
    """The worker's memory now, shared pages counted at their share (PSS, reported beside the peak):
    with ``--preload`` the imported code is shared with the master and the other workers."""
    return _proc_mb(f"/proc/{pid}/smaps_rollup", "Pss")


# --- client ---------------------------------------------------------------------------------------------


def request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    cookie: str | None = None,
    body: str | None = None,
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, dict, bytes]:
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": f"127.0.0.1:{port}"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return (
            response.status,
            {k.lower(): v for k, v in response.getheaders() if k.lower() != "set-cookie"}
            | {"set-cookie": response.headers.get_all("Set-Cookie") or []},
            data,
        )
    finally:
        if own:
            connection.close()


def cookies_from(headers: dict, jar: dict) -> None:
    for raw in headers.get("set-cookie", []):
        name, _, rest = raw.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def login(port: int, email: str) -> str:
    """Logs in through the form (CSRF token scraped from it); returns the Cookie header of the session."""
    jar: dict[str, str] = {}
    status, headers, html = request(port, "/login")
    cookies_from(headers, jar)
    body = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": scrape_csrf(html.decode())})
    status, headers, _ = request(
        port, "/login", method="POST", body=body, cookie="; ".join(f"{k}={v}" for k, v in jar.items())
    )
    if status != 302:
        raise RuntimeError(f"login as {email} failed: HTTP {status}")
    cookies_from(headers, jar)
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def drive_python(port: int, path: str, cookie: str | None, seconds: float) -> dict:
    """THREADS threads on loopback, for ``seconds`` or MAX_REQUESTS requests, whichever comes first."""
    latencies: list[list[float]] = [[] for _ in range(THREADS)]
    errors = [0] * THREADS
    issued = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def run(index: int) -> None:
        mine = latencies[index]
        while time.perf_counter() < stop_at:
            with lock:
                if issued[0] >= MAX_REQUESTS:
                    return
                issued[0] += 1
            started = time.perf_counter()
            try:
                status = request(port, path, cookie=cookie)[0]  # gunicorn sync workers close each connection
            except OSError:
                status = 0
            mine.append(time.perf_counter() - started)
            if status != 200:
                errors[index] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = sorted(x for part in latencies for x in part)
    return summarise(len(every), elapsed, every, sum(errors))


def summarise(count: int, elapsed: float, every: list[float], errors: int) -> dict:
    if not every:
        return {"rps": 0.0, "p50": float("nan"), "p95": float("nan"), "errors": errors, "count": 0}
    return {
        "rps": count / elapsed,
        "p50": every[len(every) // 2] * 1000,
        "p95": every[min(len(every) - 1, int(len(every) * 0.95))] * 1000,
        "errors": errors,
        "count": count,
    }


WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %f %f %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def drive_wrk(port: int, path: str, cookie: str | None, seconds: float) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA)
    command = [
        "/usr/bin/wrk",
        "-t",
        "2",
        "-c",
        str(THREADS),
        "-d",
        f"{max(1, round(seconds))}s",
        "-s",
        script.name,
        f"http://127.0.0.1:{port}{path}",
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    requests_, duration_us, p50_us, p95_us, errors = line.split()[1:]
    return {
        "rps": int(requests_) / (int(duration_us) / 1e6),
        "p50": float(p50_us) / 1000,
        "p95": float(p95_us) / 1000,
        "errors": int(errors),
        "count": int(requests_),
    }


# --- report ---------------------------------------------------------------------------------------------


def bench_size(app, db, url: str, size: int, seconds: float, rounds: int, backfill: bool) -> dict:
    prepared = prepare(app, db, size, backfill)
    print(f"[{size:,}] seeded and prepared in {prepared['seconds']:.1f} s", file=sys.stderr, flush=True)
    statements = count_statements(app, db, prepared["kvk"], prepared["organisation"])
    app_url = sa.engine.make_url(url).render_as_string(hide_password=False)
    instance = tempfile.mkdtemp(prefix="impactnet-bench-http-")
    process = minimal = None
    try:
        port, minimal_port = free_port(), free_port()
        process = start_gunicorn(app_url, port, instance)
        minimal = start_gunicorn(app_url, minimal_port, instance, "tests.perf.bench_minimal:app", "/")
        pids = {port: workers(process.pid), minimal_port: workers(minimal.pid)}
        sessions = {who: login(port, email) for who, (email, _) in USERS.items()}
        drive = drive_wrk if os.path.exists("/usr/bin/wrk") else drive_python
        measured: dict[str, list[dict]] = {label: [] for label, *_ in ROUTES}
        for round_ in range(rounds):  # rounds of every route, so that a noisy moment hits one round only
            for label, path, who, _html in ROUTES:
                path, to = path.format(kvk=prepared["kvk"]), minimal_port if label == MINIMAL else port
                if round_ == 0:
                    drive(to, path, sessions.get(who), min(1.0, seconds))  # warm-up, not reported
                measured[label].append(measured_drive(drive, to, path, sessions.get(who), seconds, pids[to]))
                print(
                    f"[{size:,}] round {round_ + 1}: {label}: {measured[label][-1]['rps']:.0f} req/s, "
                    f"{measured[label][-1]['cpu_ms']:.2f} CPU ms/request",
                    file=sys.stderr,
                    flush=True,
                )
        # Per route the round with the median CPU per request (its requests/s, p50 and p95 with it).
        results = {label: sorted(runs, key=lambda r: r["cpu_ms"])[len(runs) // 2] for label, runs in measured.items()}
        for label, path, who, _html in DASHBOARD_ROUTES:
            change = change_for(app, db, who, prepared["organisation"])
            results[label]["first_ms"] = first_after_change(app, change, port, path, sessions.get(who), pids[port])
            changing = with_changes(change, drive, port, path, sessions.get(who), seconds, pids[port])
            results[label]["changing"] = changing
            print(
                f"[{size:,}] {label}: first after a change {results[label]['first_ms']:.1f} CPU ms; "
                f"with a change a second {changing['cpu_ms']:.2f} CPU ms/request",
                file=sys.stderr,
                flush=True,
            )
        rss = {pid: peak_rss_mb(pid) for pid in workers(process.pid)}
        pss = {pid: proportional_mb(pid) for pid in workers(process.pid)}
    finally:
        stop_gunicorn(process)
        stop_gunicorn(minimal)
        shutil.rmtree(instance, ignore_errors=True)
    return {
        "size": size,
        "results": results,
        "rss": rss,
        "pss": pss,
        "statements": statements,
        "rounds": rounds,
        "generator": "wrk" if drive is drive_wrk else f"python http.client, {THREADS} threads",
    }


def table(run: dict) -> list[str]:
    results = run["results"]
    minimal, floor = results[MINIMAL]["cpu_ms"], results["floor"]["cpu_ms"]
    lines = [
        f"### {run['size']:,} organisations (load: {run['generator']}; median of {run['rounds']} rounds)",
        "",
        "| route | requests/s | p50 ms | CPU ms/request | % of minimal Flask (CPU) | % of portal floor (CPU) | "
        "first after a figures change, CPU ms | CPU ms/request with a change a second | non-200 | "
        "SQL statements: cache empty / filled |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, *_ in ROUTES:
        r = results[label]
        sql = run["statements"].get(label)
        first = f"{r['first_ms']:.1f}" if "first_ms" in r else "-"
        changing = f"{r['changing']['cpu_ms']:.2f}" if "changing" in r else "-"
        lines.append(
            f"| {label} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['cpu_ms']:.2f} | "
            f"{100 * minimal / r['cpu_ms']:.0f}% | {100 * floor / r['cpu_ms']:.0f}% | {first} | {changing} | "
            f"{r['errors'] + r.get('changing', {}).get('errors', 0)} | "
            f"{f'{sql[1]} / {sql[2]}' + ('' if sql[0] == 200 else f' (HTTP {sql[0]})') if sql else '-'} |"
        )
    lines.append("")
    lines.append(
        "Peak RSS (VmHWM) per gunicorn worker: "
        + ", ".join(f"pid {pid}: {mb:.1f} MB" for pid, mb in run["rss"].items() if mb is not None)
        + "; at the end, shared pages at their share (PSS): "
        + ", ".join(f"pid {pid}: {mb:.1f} MB" for pid, mb in run["pss"].items() if mb is not None)
    )
    return lines


def checks(runs: list[dict]) -> list[str]:
    small, large = min(runs, key=lambda r: r["size"]), max(runs, key=lambda r: r["size"])
    lines = []

    def check(ok: bool, text: str) -> None:
        lines.append(f"{'PASS' if ok else 'FAIL'}: {text}")

    results = large["results"]
    minimal, floor = results[MINIMAL]["cpu_ms"], results["floor"]["cpu_ms"]
    for label, _path, _who, html in DASHBOARD_ROUTES:
        cpu = results[label]["cpu_ms"]
        want = TARGETS["html" if html else "api"]
        check(
            minimal / cpu >= want,
            f"{label} ≥ {100 * want:.0f}% of the minimal Flask app's CPU/request at "
            f"{large['size']:,}: {100 * minimal / cpu:.0f}% ({cpu:.2f} vs {minimal:.2f} ms; of the portal's "
            f"floor: {100 * floor / cpu:.0f}%)",
        )
    for label, *_ in DASHBOARD_ROUTES:
        first = results[label]["first_ms"]
        check(
            first <= FIRST_AFTER_CHANGE_MS,
            f"{label} first request after a figures change ≤ "
            f"{FIRST_AFTER_CHANGE_MS} ms CPU at {large['size']:,}: {first:.1f} ms",
        )
        changing, steady = results[label]["changing"]["cpu_ms"], results[label]["cpu_ms"]
        lines.append(
            f"INFO: {label} with a figures change a second at {large['size']:,}: {changing:.2f} CPU "
            f"ms/request ({100 * minimal / changing:.0f}% of the minimal app; steady {steady:.2f})"
        )
    for label, *_ in DASHBOARD_ROUTES:
        a, b = small["results"][label]["cpu_ms"], large["results"][label]["cpu_ms"]
        lines.append(
            f"INFO: {label} CPU/request at {large['size']:,} vs {small['size']:,}: {b:.2f} vs {a:.2f} ms "
            f"({100 * (b / a - 1):+.0f}%)"
        )
    for label in small["statements"]:
        sa_, sb = small["statements"][label][1], large["statements"][label][1]
        check(sa_ == sb, f"{label} the same SQL statements at {small['size']:,} and {large['size']:,}: {sa_} / {sb}")
    for run in runs:
        for label, (status, n, _filled) in run["statements"].items():
            check(n <= 8 and status == 200, f"{label} ≤ 8 SQL statements at {run['size']:,}: {n} (HTTP {status})")
    for run in runs:
        for pid, mb in run["rss"].items():
            if mb is not None:
                check(mb < MEMORY_MB, f"gunicorn worker {pid} < {MEMORY_MB} MB at {run['size']:,}: {mb:.1f} MB")
    if small is large:
        lines.append("(only one size was run: the size-to-size checks compare it with itself)")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="comma-separated numbers of organisations (default: %(default)s)"
    )
    parser.add_argument("--seconds", type=float, default=5, help="seconds of load per route (default: 5)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds over all routes; each route's median round is reported (default: 3)",
    )
    parser.add_argument(
        "--backfill",
        action="store_true",
        help="also backfill four years of monthly snapshots (longer series on the dashboards)",
    )
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    ensure_database(sa.engine.make_url(url))
    from impactnet.extensions import db

    app = make_bench_app(url)
    runs = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            runs.append(bench_size(app, db, url, size, args.seconds, args.rounds, args.backfill))
            print("\n".join(table(runs[-1])) + "\n", flush=True)
    finally:
        with app.app_context():
            db.engine.dispose()
    if runs:
        print("### Checks\n")
        print("\n".join(checks(runs)))


if __name__ == "__main__":
    main()
