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

The bars are printed next to the figures. A measurement, not a test: the exit status
stays 0 whatever the verdict. ``BENCH_PROFILE=1`` adds the 25 functions of the largest
cumulative time of one 50-page render (cProfile).

    make bench-pdf
"""

import gc
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

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


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as folder:
        # Before django.setup(): the settings read it; the spawned children inherit it.
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ["MEDIA_ROOT"] = f"{folder}/media"
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
    print(f"\nall bars met: {'yes' if demo_met and large_met else 'NO'}")
    # A measurement, not a test: the verdict is printed, the exit status stays 0.
    return 0


if __name__ == "__main__":
    sys.exit(main())
