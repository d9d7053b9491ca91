"""Benchmark of the Chair's summary as a PDF (the CRP): time, pages per second and memory.

Sets up its own throwaway SQLite database (a temporary folder, removed at the end),
migrates it and loads the demo, then renders two summaries: (a) the demo's (revision 1)
and (b) a generated one of about 50 pages (the summary markup: sections, numbered
paragraphs, footnotes and links), saved as the first revision of the demo's second
summary. For each it prints:

- the service's time, ``reports.crp.summary_pdf`` (the HTML from the revision, then
  ``dialogue_portal.pdf.render_pdf``), the median of several runs after one warm-up;
- WeasyPrint rendering the same HTML string directly, with the same stylesheet and PDF
  variant, as many runs: the ratio of the two is what the portal's own work (the HTML,
  the fetcher, the structure tree's mending) adds to WeasyPrint's;
- pages per second of the service;
- the peak memory of one render, each in a fresh process (spawned, so nothing of the
  parent's heap comes along): the process's peak RSS (VmHWM) during the render, and its
  increase over the RSS just before it (Django and WeasyPrint already imported).

Then (c), the demo's text through a real worker: a ``celery -A dialogue_portal worker -P
prefork -c 1 -Q pdf`` subprocess on Redis (``BENCH_BROKER_URL``, by default
``redis://127.0.0.1:6379/5``; that database is flushed at the start), sharing this
process's SQLite file and media folder. It prints:

- "Generate PDF" (``services.crp_generate``, the task published on commit) until the
  document is ``succeeded`` (the row polled every 20 ms), through the worker, against the
  same call in this process with the task run eagerly (what the portal does without a
  broker: the same render and the same storing), the median of several runs each;
- throughput: documents of as many revisions generated, then handed to the worker at
  once, until all have succeeded, against rendering as many in a loop in this process.

Without Redis answering, (c) is skipped and says why.

The bars are printed next to the figures. A measurement, not a test: the exit status
stays 0 whatever the verdict. ``BENCH_PROFILE=1`` adds the 25 functions of the largest
cumulative time of one 50-page render (cProfile).

    make bench-pdf
"""

import gc
import logging
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# whitenoise looks for STATIC_ROOT, which only collectstatic creates (in the children too).
warnings.filterwarnings("ignore", "No directory at")

DEMO_REVISION = 1
DEMO_RUNS = 5
LARGE_RUNS = 3
LARGE_PAGES = 50
LARGE_PAGES_SLACK = 3
# Sized by trying: this many sections of numbered paragraphs make 50 pages with the
# print stylesheet of reports/pdf/summary.css.
LARGE_SECTIONS = 36
PARAGRAPHS_PER_SECTION = 9
RATIO_BAR = 1.1
MEMORY_BAR_MB = 500
LARGE_SECONDS_BAR = 5.0

DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/5"
# The portal's own Redis databases (README, docker-compose, .ci/run): never flushed here.
PORTAL_REDIS_DBS = (0, 1)
WORKER_RUNS = 5
THROUGHPUT_DOCUMENTS = 20
THROUGHPUT_ROUNDS = 3
WORKER_RATIO_BAR = 1.2
THROUGHPUT_RATIO_BAR = 0.9
POLL_SECONDS = 0.02
WORKER_START_SECONDS = 60
# Longer than the task's own time limit (150 s): a render that hangs ends as an error here.
DOCUMENT_SECONDS = 180
# The worker writes while this process polls: a reader waits for a write to end rather
# than failing at once with "database is locked" (Python's default is 5 s).
SQLITE_BUSY_SECONDS = 30

SENTENCES = [
    "The Chair recalled that the constructive dialogues are convened as a regular practice after the "
    "sessions of the working groups.",
    "Several speakers stressed that marking and record-keeping of small arms remain uneven across regions.",
    "Participants noted that victims of trafficking in persons need protection before, during and after "
    "trial.",
    "A representative of a non-governmental organization recommended that survivors' organizations be "
    "invited to the next dialogue.",
    "Research on illicit brokering showed gaps in licensing and in the controls of end users.",
    "Speakers underlined that rescue at sea must never be criminalized.",
    "International cooperation was said to depend on timely mutual legal assistance and trusted channels.",
    "Technical assistance should reach the border officials who inspect cargo every day.",
    "Confiscated weapons should be destroyed and their destruction recorded publicly.",
    "Gender-responsive approaches were reported to improve the identification of victims of forced labour.",
    "Online recruitment by traffickers calls for cooperation with technology companies and internet "
    "service providers.",
    "Stakeholders welcomed the country visits and asked to meet the review teams in person.",
    "Independent monitoring of detention conditions protects smuggled migrants from abuse.",
    "Deactivated firearms are still being reactivated and sold on darknet markets.",
    "The training of prosecutors in financial investigations has led to more convictions.",
    "The secretariat briefed participants on the progress of the reviews in the first phase.",
]
TOPICS = [
    "Marking and record-keeping",
    "Victim protection",
    "Maritime smuggling of migrants",
    "Mutual legal assistance",
    "Illicit brokering",
    "Technical assistance",
    "Gender and organized crime",
    "Cybercrime and recruitment",
]
LINKS = [
    "[resolution 9/1](https://www.unodc.org/documents/treaties/UNTOC/Review%20Mechanism/Resolution/English.pdf)",
    "[the constructive dialogues](https://www.unodc.org/unodc/en/organized-crime/intro/review-mechanism-untoc/constructive-dialogues.html)",
    "https://www.unodc.org/unodc/en/firearms-protocol/",
]


def large_text() -> str:
    """A summary in the markup, the same on every run: ``# Section`` headings, numbered
    paragraphs, a footnote every few paragraphs and a link now and then."""
    rng = random.Random(2022)  # noqa: S311 - text for a benchmark, the same on every run
    lines, notes = [], 0
    for section in range(LARGE_SECTIONS):
        lines.append(f"# {TOPICS[section % len(TOPICS)]} ({section + 1})")
        for paragraph in range(PARAGRAPHS_PER_SECTION):
            words = rng.choices(SENTENCES, k=rng.randint(4, 8))
            if paragraph % 4 == 1:
                notes += 1
                words[0] = f"{words[0][:-1]}[^{notes}]."
                words.append(f"\n\n[^{notes}]: See the written comment WC-{notes:04d}, {rng.choice(TOPICS)}.")
            if paragraph == 5 and section % 3 == 0:
                words.insert(1, f"The Chair referred to {rng.choice(LINKS)}.")
            lines.append(" ".join(words))
    return "\n\n".join(lines)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")
    import django

    django.setup()


def service(revision) -> object:
    from reports.crp import summary_pdf

    return summary_pdf(revision=revision)


# WeasyPrint's structure tree builder as shipped, before render_pdf wraps it (the wrap stays
# for the life of the process): the direct renders use this one, so that the wrap's cost
# counts on the service's side only.
SHIPPED = {}


def remember_weasyprint_as_shipped() -> None:
    from weasyprint.pdf import tags

    SHIPPED.setdefault("build", getattr(tags, "_build_box_tree", None))


@contextmanager
def weasyprint_as_shipped():
    from weasyprint.pdf import tags

    patched = getattr(tags, "_build_box_tree", None)
    if SHIPPED.get("build") is not None:
        tags._build_box_tree = SHIPPED["build"]
    try:
        yield
    finally:
        if patched is not None:
            tags._build_box_tree = patched


def direct(source) -> bytes:
    """WeasyPrint on the service's HTML string, as its documentation calls it, asked for the
    same file: PDF/UA-1 with the same identifier. (Naming an identifier makes pydyf hash
    the whole file, compressing every stream once more: about a tenth of a long render,
    which the service pays for its same-bytes promise; both sides pay it here.)"""
    import weasyprint

    from dialogue_portal.pdf import static_base_url

    base_url = static_base_url()
    with weasyprint_as_shipped():
        return weasyprint.HTML(string=source.html, base_url=base_url).write_pdf(
            stylesheets=[weasyprint.CSS(string=source.stylesheet, base_url=base_url)],
            pdf_variant="pdf/ua-1",
            pdf_identifier=source.identifier,
        )


# --- Memory: one render in a fresh process ---------------------------------------------------


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def _reset_peak() -> bool:
    """Set VmHWM back to the current RSS (Linux 4.0 and later), so that the peak read after
    the render is the render's, not the imports'."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def child_render(kind: str, revision_pk: int) -> dict:
    """In a spawned process: Django and WeasyPrint imported and the HTML built first, then one
    render, and the process's RSS before it and its peak during it (in kB)."""
    setup_django()
    import weasyprint  # noqa: F401 - imported before the measure: a worker has it loaded

    from reports.crp import pdf_source
    from reports.models import SummaryRevision

    revision = SummaryRevision.objects.select_related("summary").get(pk=revision_pk)
    source = pdf_source(revision)
    reset = _reset_peak()
    before = _status_kb("VmRSS")
    if kind == "service":
        service(revision)
    else:
        direct(source)
    # Without the reset, VmHWM may still be the imports' peak (ru_maxrss is the same figure).
    return {"before": before, "peak": _status_kb("VmHWM"), "reset": reset}


def memory(kind: str, revision_pk: int) -> dict:
    context = multiprocessing.get_context("spawn")
    # One task per pool: every render in a process of its own.
    with context.Pool(processes=1, maxtasksperchild=1) as pool:
        return pool.apply(child_render, (kind, revision_pk))


# --- Report ---------------------------------------------------------------------------------


def verdict(met: bool) -> str:
    return "ok" if met else "NOT MET"


def measure(name: str, revision, runs: int, *, seconds_bar: float | None = None) -> tuple[bool, int]:
    from reports.crp import pdf_source

    source = pdf_source(revision)
    # One warm-up each (fonts found and loaded, templates compiled), then the two in turn, so
    # that a slower moment of a shared machine falls on both alike.
    rendered = service(revision)
    direct(source)
    service_times, direct_times, service_cpu, direct_cpu = [], [], [], []
    for _ in range(runs):
        # Each render from a collected heap: else the collector's sweep of the last render's
        # boxes falls on whichever comes next.
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        rendered = service(revision)
        service_times.append(time.perf_counter() - started)
        service_cpu.append(time.process_time() - started_cpu)
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        direct(source)
        direct_times.append(time.perf_counter() - started)
        direct_cpu.append(time.process_time() - started_cpu)
    service_median = statistics.median(service_times)
    direct_median = statistics.median(direct_times)
    ratio = service_median / direct_median
    # The CPU time of this process: steadier than the wall clock on a shared machine.
    cpu_ratio = statistics.median(service_cpu) / statistics.median(direct_cpu)
    pages = rendered.pages
    print(f"\n({name}) revision {revision.pk}: {len(revision.text):,} characters of markup, {pages} pages,")
    print(f"    {len(rendered.pdf) / 1024:,.0f} KiB of PDF; median of {runs} runs after one warm-up")
    line = f"    service (summary_pdf)  {service_median:6.2f} s"
    line += "   (runs: " + ", ".join(f"{t:.2f}" for t in service_times) + ")"
    if seconds_bar is not None:
        line += f"   bar < {seconds_bar:.0f} s: {verdict(service_median < seconds_bar)}"
    print(line)
    print(
        f"    WeasyPrint directly    {direct_median:6.2f} s   (runs: "
        + ", ".join(f"{t:.2f}" for t in direct_times)
        + ")"
    )
    print(
        f"    ratio service/direct   {ratio:6.2f}     (bar ≤ {RATIO_BAR}) {verdict(ratio <= RATIO_BAR)}"
        f"   (of the CPU times: {cpu_ratio:.2f})"
    )
    print(f"    pages per second       {pages / service_median:6.1f}")
    met = ratio <= RATIO_BAR and (seconds_bar is None or service_median < seconds_bar)
    for kind in ("service", "direct"):
        figures = memory(kind, revision.pk)
        peak_mb = figures["peak"] / 1024
        increase_mb = (figures["peak"] - figures["before"]) / 1024
        line = (
            f"    peak RSS, {kind:7} {peak_mb:6.0f} MB   (+{increase_mb:.0f} MB over the"
            f" {figures['before'] / 1024:.0f} MB before the render, in a fresh process)"
        )
        if not figures["reset"]:
            line += " [peak not reset before the render: it may be the imports']"
        if kind == "service":
            line += f"   bar < {MEMORY_BAR_MB} MB: {verdict(peak_mb < MEMORY_BAR_MB)}"
            met = met and peak_mb < MEMORY_BAR_MB
        print(line)
    return met, pages


def profile(revision) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    service(revision)
    profiler.disable()
    print("\nOne 50-page render by the service, the 25 largest cumulative times (cProfile):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


# --- (c) Through a real worker ----------------------------------------------------------------


def broker_refusal(url: str) -> str | None:
    """Why part (c) cannot use Redis at ``url``, or None once its database is flushed (the
    queues left by an earlier run would hand the worker documents of another database)."""
    if not url.startswith(("redis://", "rediss://")):
        return f"BENCH_BROKER_URL is not a Redis URL ({url})"
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        db = int(client.connection_pool.connection_kwargs.get("db", 0))
        if db in PORTAL_REDIS_DBS:
            return f"Redis db {db} is one the portal uses (0 and 1): name another in BENCH_BROKER_URL"
        client.ping()
        client.flushdb()
        client.close()
    except Exception as error:  # whatever keeps Redis from answering: the reason is printed
        return f"Redis at {url} does not answer ({type(error).__name__}: {error})"
    return None


SECRETARIAT = {"user": None, "is_chair": False, "is_secretariat": True}


def fresh_summary(text: str):
    """The demo summary with a new current revision of ``text``: "Generate PDF" makes a new
    document of it (the same revision gives the document already made)."""
    from reports.models import ChairSummary, SummaryRevision

    summary = ChairSummary.objects.get(pk=1)
    number = summary.revision_count + 1
    revision = SummaryRevision.objects.create(summary=summary, number=number, text=text)
    ChairSummary.objects.filter(pk=summary.pk).update(current_revision=revision, revision_count=number)
    return ChairSummary.objects.select_related("current_revision", "dialogue").get(pk=summary.pk)


def generate_pdf(summary):
    from reports import services
    from reports.permissions import Drafter

    return services.crp_generate(summary=summary, by=None, role=Drafter(**SECRETARIAT))


@contextmanager
def eager():
    """Tasks run inside the call that asks for them, as on the portal without a broker."""
    from dialogue_portal.celery import app

    # Celery logs each eager task's end ("Task … succeeded in …") at INFO, into this output.
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    app.conf.task_always_eager = True
    trace.setLevel(logging.WARNING)
    try:
        yield
    finally:
        app.conf.task_always_eager = False
        trace.setLevel(level)


def wait_until_succeeded(pks, worker=None, timeout: float = DOCUMENT_SECONDS) -> float:
    """Poll the documents every 20 ms until all have succeeded; the clock when they had.
    Raises when one failed, the worker exited or the time ran out."""
    from django.db import OperationalError

    from reports.models import CrpDocument

    pending = set(pks)
    deadline = time.perf_counter() + timeout
    while True:
        try:
            states = dict(CrpDocument.objects.filter(pk__in=pending).values_list("pk", "state"))
        except OperationalError:  # the worker writing past the busy timeout: poll again
            states = {}
        now = time.perf_counter()
        failed = [pk for pk, state in states.items() if state == CrpDocument.State.FAILED]
        if failed:
            message = CrpDocument.objects.get(pk=failed[0]).message
            raise RuntimeError(f"document {failed[0]} failed: {message}")
        pending -= {pk for pk, state in states.items() if state == CrpDocument.State.SUCCEEDED}
        if not pending:
            return now
        if worker is not None and worker.poll() is not None:
            raise RuntimeError(f"the worker exited (status {worker.returncode})")
        if now > deadline:
            still = {pk: states.get(pk, "?") for pk in sorted(pending)}
            raise TimeoutError(f"documents not succeeded after {timeout:.0f} s (their states: {still})")
        time.sleep(POLL_SECONDS)


def render_seconds(pk: int) -> float:
    from reports.models import CrpDocument

    return CrpDocument.objects.get(pk=pk).render_seconds


def through_worker_once(text: str, worker) -> tuple[float, float]:
    """Through the worker, "Generate PDF" of a new revision until its document succeeded:
    the time, and the render's own (``render_seconds``, in the worker's child)."""
    summary = fresh_summary(text)
    started = time.perf_counter()
    document = generate_pdf(summary)  # outside any transaction: published as it returns
    finished = wait_until_succeeded([document.pk], worker)
    return finished - started, render_seconds(document.pk)


def in_process_once(text: str) -> tuple[float, float]:
    """The same in this process: the task runs eagerly on commit, inside the call."""
    summary = fresh_summary(text)
    with eager():
        started = time.perf_counter()
        document = generate_pdf(summary)
        finished = wait_until_succeeded([document.pk], timeout=0)
    return finished - started, render_seconds(document.pk)


def generate_held(count: int, text: str) -> list[int]:
    """``count`` documents of as many new revisions, generated but not yet handed to a
    worker: their ids, to hand over together."""
    from reports import services

    held = []
    with mock.patch.object(services, "request_render", held.append):
        for _ in range(count):
            generate_pdf(fresh_summary(text))
    return held


def start_worker(folder: str, broker_url: str, log) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dialogue_portal.settings",
        "CELERY_BROKER_URL": broker_url,
        # The bench's own database and media: the worker reads the rows and writes the files
        # this process reads.
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "MEDIA_ROOT": os.environ["MEDIA_ROOT"],
    }
    command = [sys.executable, "-m", "celery", "-A", "dialogue_portal", "worker", "-P", "prefork", "-c", "1"]
    command += ["-Q", "pdf", "--loglevel", "WARNING", "-n", f"bench-pdf-{os.getpid()}@%h"]
    command += ["--without-mingle", "--without-gossip"]  # no other workers to meet
    # A session of its own: the worker and its pool child are stopped as one group.
    return subprocess.Popen(  # noqa: S603 - this interpreter's own celery, arguments of ours
        command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for_worker(worker) -> None:
    from dialogue_portal.celery import app

    deadline = time.perf_counter() + WORKER_START_SECONDS
    while not app.control.ping(timeout=1):
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited (status {worker.returncode}) before answering")
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the worker did not answer a ping within {WORKER_START_SECONDS} s")


def stop_worker(worker) -> None:
    """SIGTERM (a warm shutdown: nothing is running by now), then SIGKILL to its group."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    worker.wait()


def spent(pks) -> tuple[float, float]:
    """Of these documents, rendered one after another: the sum of their renders
    (``render_seconds``) and the median time from one's end to the next one's start."""
    from reports.models import CrpDocument

    rows = list(
        CrpDocument.objects.filter(pk__in=pks).order_by("started_at").values_list("started_at", "finished_at")
    )
    renders = sum(CrpDocument.objects.filter(pk__in=pks).values_list("render_seconds", flat=True))
    gaps = [(after[0] - before[1]).total_seconds() for before, after in zip(rows, rows[1:], strict=False)]
    return renders, statistics.median(gaps)


def worker_cpu_seconds(worker) -> float:
    """The CPU time of the worker: its main process, its pool child (however many replaced
    one another: the ended ones count in the main process's ``cutime``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [worker.pid]
    for task in Path(f"/proc/{worker.pid}/task").iterdir():
        try:
            pids += [int(pid) for pid in (task / "children").read_text().split()]
        except OSError:  # a thread that ended meanwhile (or a kernel without the file)
            continue
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a child that ended meanwhile: in cutime by now
            continue
        # utime, stime, cutime and cstime: fields 14 to 17, the 12th to 15th after the name.
        total += sum(int(value) for value in fields[11:15])
    return total / ticks


def worker_batch(count: int, text: str, worker) -> dict:
    """``count`` documents handed to the worker at once, until all have succeeded."""
    from reports import services

    held = generate_held(count, text)
    gc.collect()
    cpu = worker_cpu_seconds(worker)
    started = time.perf_counter()
    for pk in held:
        services.request_render(pk)
    seconds = wait_until_succeeded(held, worker, timeout=count * DOCUMENT_SECONDS) - started
    cpu = worker_cpu_seconds(worker) - cpu
    renders, gap = spent(held)
    return {"seconds": seconds, "cpu": cpu, "renders": renders, "gap": gap}


def loop_batch(count: int, text: str) -> dict:
    """As many rendered one after another in this process, as the worker renders them."""
    from reports import services

    held = generate_held(count, text)
    gc.collect()
    cpu = time.process_time()
    started = time.perf_counter()
    for pk in held:
        services.crp_render(document_id=pk)
    seconds = wait_until_succeeded(held, timeout=0) - started
    cpu = time.process_time() - cpu
    renders, gap = spent(held)
    return {"seconds": seconds, "cpu": cpu, "renders": renders, "gap": gap}


def runs(times) -> str:
    return "(runs: " + ", ".join(f"{t:.2f}" for t in times) + ")"


def through_worker(folder: str, broker_url: str) -> bool:
    from reports.models import SummaryRevision

    text = SummaryRevision.objects.get(pk=DEMO_REVISION).text
    print(f"\n(c) through a real worker: the demo's text (revision {DEMO_REVISION}) as new revisions,")
    print(f"    one `celery worker -P prefork -c 1 -Q pdf` process on {broker_url}, the same SQLite file")
    log_path = Path(folder) / "worker.log"
    with log_path.open("wb") as log:
        worker = start_worker(folder, broker_url, log)
        try:
            started = time.perf_counter()
            wait_for_worker(worker)
            answered = time.perf_counter() - started
            # One warm-up each: the worker's child loads WeasyPrint and the fonts, this
            # process opens its connection to Redis.
            warm_up, _render = through_worker_once(text, worker)
            in_process_once(text)
            print(
                f"    worker pid {worker.pid} answered a ping after {answered:.1f} s;"
                f" a first document through it (warm-up) {warm_up:.2f} s"
            )
            worker_times, worker_renders, process_times, process_renders = [], [], [], []
            for _ in range(WORKER_RUNS):
                # In turn, so that a slower moment of a shared machine falls on both alike.
                gc.collect()
                seconds, render = through_worker_once(text, worker)
                worker_times.append(seconds)
                worker_renders.append(render)
                gc.collect()
                seconds, render = in_process_once(text)
                process_times.append(seconds)
                process_renders.append(render)
            worker_median = statistics.median(worker_times)
            process_median = statistics.median(process_times)
            ratio = worker_median / process_median
            print(f'    "Generate PDF" until succeeded, median of {WORKER_RUNS} runs (polled every 20 ms)')
            print(
                f"    through the worker     {worker_median:6.2f} s   {runs(worker_times)}"
                f"   the render in it {statistics.median(worker_renders):.2f} s"
            )
            print(
                f"    in-process (eager)     {process_median:6.2f} s   {runs(process_times)}"
                f"   the render {statistics.median(process_renders):.2f} s"
            )
            print(
                f"    ratio worker/process   {ratio:6.2f}     (bar ≤ {WORKER_RATIO_BAR})"
                f" {verdict(ratio <= WORKER_RATIO_BAR)}"
            )

            count = THROUGHPUT_DOCUMENTS
            batches = {"worker": [], "loop": []}
            for round_ in range(THROUGHPUT_ROUNDS):
                # In turn, each first every other round: a busier moment falls on both alike.
                order = ("worker", "loop") if round_ % 2 == 0 else ("loop", "worker")
                for kind in order:
                    batch = worker_batch(count, text, worker) if kind == "worker" else loop_batch(count, text)
                    batches[kind].append(batch)
            median = {
                kind: {key: statistics.median(batch[key] for batch in rounds) for key in rounds[0]}
                for kind, rounds in batches.items()
            }
            throughput = median["loop"]["seconds"] / median["worker"]["seconds"]
            cpu_throughput = median["loop"]["cpu"] / median["worker"]["cpu"]
            print(
                f"    {count} documents of {count} revisions handed over at once, until all succeeded;"
                f" median of {THROUGHPUT_ROUNDS} rounds, in turn"
            )
            for kind, label in (("worker", "one worker process"), ("loop", "a loop in-process ")):
                figures = median[kind]
                print(
                    f"    {label}     {figures['seconds']:6.2f} s   "
                    + runs(batch["seconds"] for batch in batches[kind])
                    + f"   {count / figures['seconds']:.2f} documents per second"
                )
                print(
                    f"        the renders {figures['renders']:.2f} s; from one's end to the next one's start"
                    f" {figures['gap'] * 1000:.0f} ms; CPU {figures['cpu']:.2f} s"
                )
            print(
                f"    ratio loop/worker      {throughput:6.2f}     (bar ≥ {THROUGHPUT_RATIO_BAR})"
                f" {verdict(throughput >= THROUGHPUT_RATIO_BAR)}   (of the CPU times: {cpu_throughput:.2f})"
            )
            return ratio <= WORKER_RATIO_BAR and throughput >= THROUGHPUT_RATIO_BAR
        except Exception:  # printed with the worker's log; the other parts' figures stand
            traceback.print_exc()
            log.flush()
            tail = log_path.read_text(errors="replace").splitlines()[-40:]
            print("    (c) stopped by the error above; the end of the worker's log:")
            print("\n".join(f"    | {line}" for line in tail))
            return False
        finally:
            stop_worker(worker)


def main() -> int:
    broker_url = os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER_URL)
    broker_refused = broker_refusal(broker_url)
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as folder:
        # Before django.setup(): the settings read it; the spawned children inherit it.
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3?timeout={SQLITE_BUSY_SECONDS}"
        os.environ["MEDIA_ROOT"] = f"{folder}/media"
        if broker_refused is None:
            # Tasks asked for in this process then go to Redis for the worker of (c), not
            # eagerly; (a) and (b) call the render itself and ask for none.
            os.environ["CELERY_BROKER_URL"] = broker_url
        setup_django()
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo", stdout=StringIO())
        from reports.models import ChairSummary, SummaryRevision

        demo = SummaryRevision.objects.select_related("summary").get(pk=DEMO_REVISION)
        # The demo's second summary (the upcoming dialogue's) is empty: the large text goes there.
        summary = ChairSummary.objects.get(pk=2)
        large = SummaryRevision.objects.create(summary=summary, number=1, text=large_text())
        ChairSummary.objects.filter(pk=summary.pk).update(current_revision=large, revision_count=1)
        large = SummaryRevision.objects.select_related("summary").get(pk=large.pk)
        import weasyprint

        remember_weasyprint_as_shipped()
        loaded = time.perf_counter() - started
        print(f"database: a throwaway SQLite file, migrated and the demo loaded in {loaded:.1f} s")
        print(
            f"Python {sys.version.split()[0]}, WeasyPrint {weasyprint.__version__},"
            f" {os.cpu_count()} CPUs; times are wall-clock, in this process"
        )

        demo_met, _pages = measure("a: the demo summary", demo, DEMO_RUNS)
        large_met, pages = measure(
            f"b: a generated summary of about {LARGE_PAGES} pages",
            large,
            LARGE_RUNS,
            seconds_bar=LARGE_SECONDS_BAR,
        )
        sized = abs(pages - LARGE_PAGES) <= LARGE_PAGES_SLACK
        print(f"    pages {pages}             (meant {LARGE_PAGES} ± {LARGE_PAGES_SLACK}) {verdict(sized)}")
        if os.environ.get("BENCH_PROFILE") == "1":
            profile(large)
        if broker_refused is None:
            worker_met = through_worker(folder, broker_url)
        else:
            print(f"\n(c) through a real worker: skipped, {broker_refused}")
    met = demo_met and large_met and (broker_refused is not None or worker_met)
    skipped = " ((c) skipped: not measured)" if broker_refused is not None else ""
    print(f"\nall bars met: {'yes' if met else 'NO'}{skipped}")
    # A measurement, not a test: the verdict is printed, the exit status stays 0.
    return 0


if __name__ == "__main__":
    sys.exit(main())
