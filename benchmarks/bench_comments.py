"""Benchmark of the public written comments: the list, a filtered list and a search.

Loads 10,000 published comments into PostgreSQL (``DATABASE_URL`` when it names a
PostgreSQL database, else ``postgres://postgres@127.0.0.1:5432/dialogue_portal_bench``,
created and migrated here), then times the server side of each page through Django's
test client and prints the median and the 95th percentile against the issue's bars, and
the plan of the search query (which must use the GIN index). The "cold" rows drop every
rendered page, fragment and card before each request: what the templates cost on the first
request after a change to the public pages (every later one is served from the cache).

Re-running drops the rows it loaded before and loads them again (``BENCH_KEEP=1`` measures
again on the rows already loaded). It touches only its own
rows (working groups, dialogues and organisations named "benchmark"), so pointing it at a
development database leaves the rest alone.

    make bench-comments
"""

import datetime
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dialogue_portal_bench"
ROWS = 10_000
REQUESTS = 60
WARM_UP = 5
# In about 1% of the comments (title or body): the search measured.
RARE_WORD = "microstamping"
# In about a third and two thirds of them (in several languages).
COMMON_WORD = "firearms"
COMMON_WORDS = "v%C3%ADctimas"
LIST_BAR_MS = 50
SEARCH_BAR_MS = 100


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://", "pgsql://")) else DEFAULT_URL


def ensure_database() -> None:
    """Create the database when it does not exist yet (settings are read, nothing connected)."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    server = psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            # A database name cannot be a query parameter; it comes from our own settings.
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
            print(f"created database {db['NAME']}")
    server.close()


# --- Text -----------------------------------------------------------------------------------

SENTENCES = {
    "en": [
        "Civil society organisations collect data on firearms trafficking that the review should use.",
        "Marking and record-keeping of small arms remain uneven across the region.",
        "Victims of trafficking in persons need access to protection before, during and after trial.",
        "We recommend that the working group invite survivors' organisations to the next dialogue.",
        "Our research on illicit brokering shows gaps in licensing and end-user controls.",
        "Smuggling of migrants by sea has increased, and rescue at sea must never be criminalised.",
        "International cooperation depends on timely mutual legal assistance and trusted channels.",
        "Technical assistance should reach the border officials who inspect cargo every day.",
        "Confiscated weapons must be destroyed and their destruction recorded publicly.",
        "Gender-responsive approaches improve the identification of victims of forced labour.",
        "Online recruitment by traffickers calls for cooperation with technology companies.",
        "Stakeholders welcome the country visits and ask to meet the review teams in person.",
        "Independent monitoring of detention conditions protects smuggled migrants from abuse.",
        "Deactivated firearms are still being reactivated and sold on darknet markets.",
        "Training of prosecutors on financial investigations leads to more convictions.",
    ],
    "fr": [
        "Les organisations de la société civile recueillent des données sur le trafic d'armes à feu.",
        "Le marquage et la conservation des informations restent inégaux dans la région.",
        "Les victimes de la traite des personnes doivent être protégées avant, pendant et après le procès.",
        "Nous recommandons que le groupe de travail invite les associations de survivants.",
        "Nos recherches sur le courtage illicite montrent des lacunes dans les licences d'exportation.",
        "Le trafic illicite de migrants par mer augmente et le sauvetage en mer ne doit jamais être puni.",
        "La coopération internationale dépend d'une entraide judiciaire rapide et de canaux fiables.",
        "L'assistance technique doit atteindre les agents des frontières qui inspectent les cargaisons.",
        "Les armes confisquées doivent être détruites et leur destruction rendue publique.",
        "Les approches sensibles au genre améliorent l'identification des victimes du travail forcé.",
    ],
    "es": [
        "Las organizaciones de la sociedad civil reúnen datos sobre el tráfico de armas de fuego.",
        "El marcado y el registro de las armas pequeñas siguen siendo desiguales en la región.",
        "Las víctimas de la trata de personas necesitan protección antes, durante y después del juicio.",
        "Recomendamos que el grupo de trabajo invite a las organizaciones de sobrevivientes.",
        "Nuestra investigación sobre el corretaje ilícito revela lagunas en las licencias.",
        "El tráfico ilícito de migrantes por mar ha aumentado y el rescate nunca debe castigarse.",
        "La cooperación internacional depende de una asistencia judicial recíproca oportuna.",
        "La asistencia técnica debe llegar a los funcionarios de fronteras que inspeccionan la carga.",
        "Las armas decomisadas deben destruirse y su destrucción registrarse públicamente.",
        "Los enfoques con perspectiva de género mejoran la identificación de las víctimas.",
    ],
    "ru": [
        "Организации гражданского общества собирают данные о незаконном обороте огнестрельного оружия.",
        "Маркировка и учёт стрелкового оружия в регионе остаются неравномерными.",
        "Жертвы торговли людьми нуждаются в защите до, во время и после судебного процесса.",
        "Мы рекомендуем рабочей группе пригласить организации пострадавших к следующему диалогу.",
        "Наше исследование незаконной брокерской деятельности выявило пробелы в лицензировании.",
        "Незаконный ввоз мигрантов морем растёт, а спасение на море нельзя криминализировать.",
        "Международное сотрудничество зависит от своевременной взаимной правовой помощи.",
        "Техническая помощь должна доходить до пограничников, которые досматривают грузы.",
    ],
    "ar": [
        "تجمع منظمات المجتمع المدني بيانات عن الاتجار بالأسلحة النارية.",
        "لا يزال وسم الأسلحة الصغيرة وحفظ سجلاتها متفاوتين في المنطقة.",
        "يحتاج ضحايا الاتجار بالأشخاص إلى الحماية قبل المحاكمة وأثناءها وبعدها.",
        "نوصي بأن يدعو الفريق العامل منظمات الناجين إلى الحوار القادم.",
        "يتوقف التعاون الدولي على المساعدة القانونية المتبادلة في الوقت المناسب.",
        "يجب أن تصل المساعدة التقنية إلى موظفي الحدود الذين يفتشون الشحنات.",
        "تهريب المهاجرين عن طريق البحر في ازدياد ولا يجوز تجريم الإنقاذ في البحر.",
    ],
    "zh": [
        "民间社会组织收集了有关非法贩运枪支的数据。",
        "该区域小武器的标识和记录保存仍不平衡。",
        "人口贩运受害者在审判之前、期间和之后都需要保护。",
        "我们建议工作组邀请幸存者组织参加下一次对话。",
        "国际合作取决于及时的司法协助和可信的渠道。",
        "技术援助应惠及每天检查货物的边境官员。",
    ],
    "other": [
        "Organisationen der Zivilgesellschaft sammeln Daten über den illegalen Waffenhandel.",
        "Kennzeichnung und Registrierung von Kleinwaffen bleiben in der Region uneinheitlich.",
        "Opfer von Menschenhandel brauchen Schutz vor, während und nach dem Verfahren.",
        "Internationale Zusammenarbeit hängt von rechtzeitiger Rechtshilfe ab.",
    ],
}
TITLES = {
    "en": ["Observations on {}", "Recommendations on {}", "Data on {}", "Our experience with {}"],
    "fr": ["Observations sur {}", "Recommandations concernant {}", "Données sur {}"],
    "es": ["Observaciones sobre {}", "Recomendaciones sobre {}", "Datos sobre {}"],
    "ru": ["Замечания о {}", "Рекомендации по {}"],
    "ar": ["ملاحظات بشأن {}", "توصيات بشأن {}"],
    "zh": ["关于{}的意见", "关于{}的建议"],
    "other": ["Bemerkungen zu {}", "Empfehlungen zu {}"],
}
TOPICS = {
    "en": [
        "firearms marking",
        "victim protection",
        "maritime smuggling",
        "mutual legal assistance",
        "brokering",
    ],
    "fr": [
        "le marquage des armes",
        "la protection des victimes",
        "le trafic de migrants",
        "l'entraide judiciaire",
    ],
    "es": ["el marcado de armas", "la protección de las víctimas", "el tráfico de migrantes"],
    "ru": ["маркировке оружия", "защите жертв", "незаконному ввозу мигрантов"],
    "ar": ["وسم الأسلحة", "حماية الضحايا", "تهريب المهاجرين"],
    "zh": ["枪支标识", "保护受害者", "偷运移民"],
    "other": ["Waffenkennzeichnung", "Opferschutz", "Schleusung"],
}
LANGUAGE_WEIGHTS = {"en": 40, "fr": 15, "es": 15, "ru": 10, "ar": 10, "zh": 5, "other": 5}


def comment_text(rng: random.Random, language: str, rare: bool) -> tuple[str, str]:
    title = rng.choice(TITLES[language]).format(rng.choice(TOPICS[language]))
    paragraphs = []
    for _ in range(rng.randint(2, 5)):
        paragraphs.append(" ".join(rng.choices(SENTENCES[language], k=rng.randint(2, 6))))
    if rare:
        # Half in the title, half in the body: the search ranks the title matches first.
        if rng.random() < 0.5:
            title = f"{title}: {RARE_WORD}"
        else:
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), f"On {RARE_WORD} of cartridge cases.")
    return title[:300], "\n\n".join(paragraphs)


# --- Data -----------------------------------------------------------------------------------


def load() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from sessions.models import AgendaItem, Cluster, Dialogue, WorkingGroup, WorkingGroupSession
    from stakeholders.matching import fold_name
    from stakeholders.models import Category, Organisation
    from submissions.models import SEARCH_CONFIGURATIONS, Attachment, WrittenComment

    rng = random.Random(2022)  # noqa: S311 - text for a benchmark, the same on every run
    with transaction.atomic():
        groups = []
        for number, topic in ((6, "Firearms"), (4, "Trafficking in Persons"), (7, "Smuggling of Migrants")):
            group, _ = WorkingGroup.objects.update_or_create(
                slug=f"benchmark-wg-{number}",
                defaults={
                    "name": f"Benchmark Working Group on {topic}",
                    "symbol_prefix": f"BENCH/WG.{number}",
                },
            )
            groups.append(group)
        dialogues = []
        for index, group in enumerate(groups):
            for year in (2022, 2023):
                last_day = datetime.date(year, 5, 4 + index)
                session, _ = WorkingGroupSession.objects.get_or_create(
                    working_group=group,
                    number=year - 2013,
                    defaults={"first_day": last_day - datetime.timedelta(days=2), "last_day": last_day},
                )
                dialogue = Dialogue.objects.filter(session=session).first()
                if dialogue is None:
                    zone = datetime.timezone(datetime.timedelta(hours=2))
                    dialogue = Dialogue.objects.create(
                        session=session,
                        date=last_day,
                        start_time=datetime.time(15),
                        end_time=datetime.time(18),
                        state=Dialogue.State.HELD,
                        applications_deadline=datetime.datetime(year, 4, 1, 23, 59, tzinfo=zone),
                        comments_deadline=datetime.datetime(year, 4, 20, 23, 59, tzinfo=zone),
                    )
                    for number, cluster in enumerate(Cluster.values[:3], start=1):
                        AgendaItem.objects.create(
                            dialogue=dialogue, number=number, title=f"Agenda item {number}", cluster=cluster
                        )
                dialogues.append(dialogue)
        items = {d.pk: list(AgendaItem.objects.filter(dialogue=d)) for d in dialogues}
        organisations = []
        for index, (country, category) in enumerate(
            [
                ("KE", Category.NGO),
                ("FR", Category.NGO),
                ("MX", Category.ACADEMIA),
                ("RU", Category.NGO),
                ("EG", Category.PRIVATE_SECTOR),
                ("CN", Category.ACADEMIA),
                ("BR", Category.NGO),
                ("IN", Category.NGO),
            ]
        ):
            name = f"Benchmark Network {index + 1}"
            organisation, _ = Organisation.objects.get_or_create(
                name_key=fold_name(name),
                defaults={
                    "name": name,
                    "acronym": f"BN{index + 1}",
                    "category": category,
                    "country": country,
                    "postal_address": "1 Benchmark Street",
                    "description": "Benchmark data.",
                },
            )
            organisations.append(organisation)
        author, _ = get_user_model().objects.get_or_create(
            username="benchmark-author", defaults={"email": "benchmark@example.org"}
        )

        # Idempotent: the rows of the previous run go first (only ours).
        ours = WrittenComment.objects.filter(dialogue__in=dialogues)
        Attachment.objects.filter(comment__in=ours).delete()
        ours.delete()

        languages = rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()), k=ROWS)
        rare = set(rng.sample(range(ROWS), ROWS // 100))
        sequences = dict.fromkeys((d.pk for d in dialogues), 0)
        start = timezone.now() - datetime.timedelta(days=3 * 365)
        comments = []
        for n in range(ROWS):
            dialogue = dialogues[n % len(dialogues)]
            sequences[dialogue.pk] += 1
            sequence = sequences[dialogue.pk]
            language = languages[n]
            title, body = comment_text(rng, language, n in rare)
            anonymous = rng.random() < 0.05
            item = rng.choice(items[dialogue.pk]) if rng.random() < 0.4 else None
            published_at = start + datetime.timedelta(minutes=157 * n + rng.randint(0, 120))
            comments.append(
                WrittenComment(
                    dialogue=dialogue,
                    organisation=rng.choice(organisations),
                    author=author,
                    title=title,
                    body=body,
                    language=language,
                    agenda_item=item,
                    cluster="" if item or rng.random() < 0.7 else rng.choice(Cluster.values),
                    consent_to_publish=True,
                    anonymity_requested=anonymous,
                    published_anonymously=anonymous,
                    state=WrittenComment.State.PUBLISHED,
                    sequence=sequence,
                    tracking_number=f"WC-BENCH-{dialogue.pk}-{sequence}",
                    received_at=published_at - datetime.timedelta(days=2),
                    published_at=published_at,
                )
            )
        created = WrittenComment.objects.bulk_create(comments, batch_size=2000)
        Attachment.objects.bulk_create(
            (
                Attachment(
                    comment=comment,
                    file=f"attachments/benchmark-{comment.pk}.pdf",
                    original_name="Submission.pdf",
                    kind="pdf",
                    size=120_000,
                )
                for comment in created
                if comment.pk % 7 == 0
            ),
            batch_size=2000,
        )
        with connection.cursor() as cursor:
            # One UPDATE per language, as update_search_vector builds it for one comment.
            for language, config in SEARCH_CONFIGURATIONS.items():
                cursor.execute(
                    "UPDATE submissions_writtencomment"
                    " SET search_vector = setweight(to_tsvector(%s::regconfig, coalesce(title, '')), 'A')"
                    " || setweight(to_tsvector(%s::regconfig, coalesce(body, '')), 'B')"
                    " WHERE language = %s AND dialogue_id = ANY(%s)",
                    [config, config, language, [d.pk for d in dialogues]],
                )
    with connection.cursor() as cursor:
        # VACUUM too, as autovacuum would soon: it sets the visibility map that index-only
        # scans (the count of published comments) rely on.
        cursor.execute("VACUUM ANALYZE")
    return {"dialogue": dialogues[0].pk}


# --- Measurements ---------------------------------------------------------------------------


def forget_rendered() -> None:
    """Drop every rendered page, fragment and card (the cache and the process's cards), as
    the first request after a change of the public pages finds them."""
    from django.core.cache import cache

    from submissions.templatetags.comments import CARD_CACHE

    cache.clear()
    CARD_CACHE.clear()


def measure(client, url: str, *, cold: bool = False) -> tuple[list[float], list[float], int]:
    """Wall-clock milliseconds per request (the bars), and the CPU milliseconds of this process
    (Django's share, without PostgreSQL's: steadier on a shared machine). ``cold``: nothing
    rendered is kept between requests (what the templates cost)."""
    for _ in range(WARM_UP):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    wall, cpu = [], []
    for _ in range(REQUESTS):
        if cold:
            forget_rendered()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    return wall, cpu, response.content.decode().count('<li class="card">') or 1


def cpu_yardstick() -> float:
    """Milliseconds for a fixed piece of pure Python, to compare machines (and moments on a
    shared one): the page times scale with it."""
    started = time.perf_counter()
    total = 0
    for number in range(5_000_000):
        total += number
    return (time.perf_counter() - started) * 1000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main() -> int:
    os.environ["DATABASE_URL"] = database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")
    # whitenoise looks for STATIC_ROOT, which only collectstatic creates.
    warnings.filterwarnings("ignore", "No directory at")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    ensure_database()
    call_command("migrate", interactive=False, verbosity=0)
    # As served: no query log kept (DEBUG off), and the test client's host allowed. Not
    # setup_test_environment(): its instrumented template rendering copies every context.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    from submissions.models import WrittenComment
    from submissions.selectors import CommentFilters, published_comments

    started = time.perf_counter()
    kept = (
        os.environ.get("BENCH_KEEP") == "1"
        and WrittenComment.objects.filter(tracking_number__startswith="WC-BENCH-").count() == ROWS
    )
    if kept:  # measuring again, on the rows of the last run
        facts = {
            "dialogue": WrittenComment.objects.filter(tracking_number__startswith="WC-BENCH-")
            .order_by("id")
            .values_list("dialogue_id", flat=True)
            .first()
        }
    else:
        facts = load()
    load_seconds = time.perf_counter() - started

    published = WrittenComment.objects.published().count()
    with_vector = WrittenComment.objects.published().filter(search_vector__isnull=False).count()
    client = Client()
    comment = WrittenComment.objects.published().order_by("id").values_list("pk", flat=True)[ROWS // 2]
    pages = [
        ("list", "/comments/", LIST_BAR_MS),
        ("filtered", f"/comments/?language=fr&dialogue={facts['dialogue']}", None),
        ("search", f"/comments/?q={RARE_WORD}", SEARCH_BAR_MS),
        # Words in thousands of comments, as real searches are: the cost of a plan that
        # ranked every match.
        ("common", f"/comments/?q={COMMON_WORD}&page=2", SEARCH_BAR_MS),
        ("common 2", f"/comments/?q={COMMON_WORDS}&page=3", SEARCH_BAR_MS),
        ("detail", f"/comments/{comment}/", None),
        # Nothing rendered kept (the first request after any change to the public pages).
        ("list cold", "/comments/", None),
        ("search cold", f"/comments/?q={COMMON_WORD}&page=2", None),
    ]
    database = settings.DATABASES["default"]["NAME"]
    print(f"database vendor: {connection.vendor} (server {connection.pg_version // 10000}), {database}")
    print(f"published comments: {published} (loaded {ROWS} in {load_seconds:.1f} s)")
    print(f"with a search vector: {with_vector}")
    print(f"requests per page: {REQUESTS} after {WARM_UP} to warm up; server time through django.test.Client")
    print(f"CPU yardstick before: a 5,000,000-step Python loop took {cpu_yardstick():.0f} ms")
    results = {}
    for name, url, bar in pages:
        wall, cpu, shown = measure(client, url, cold=name.endswith(" cold"))
        median = statistics.median(wall)
        results[name] = median
        line = (
            f"{name:9} {url:46} median {median:6.1f} ms   p95 {p95(wall):6.1f} ms"
            f"   (CPU median {statistics.median(cpu):5.1f} ms; {shown} on the page)"
        )
        if bar is not None:
            line += f"   bar < {bar} ms: {'met' if median < bar else 'NOT MET'}"
        print(line)

    print(f"CPU yardstick after: {cpu_yardstick():.0f} ms")

    from django.db.models import Count, Window

    for word in (RARE_WORD, COMMON_WORD):
        matching = published_comments(CommentFilters(query=word)).prefetch_related(None).select_related(None)
        print(f"\nsearch for {word!r}: {matching.count()} of {published} comments match")
        print("EXPLAIN (ANALYZE) of the search page's query (the page's ids and the total):")
        plan = (
            matching.annotate(total=Window(Count("pk"))).values_list("pk", "total")[:25].explain(analyze=True)
        )
        print(plan)
    # The matches from one GIN index, the title matches from the other; no row read first.
    uses_gin = "comment_search_gin" in plan and "comment_title_search_gin" in plan and "Seq Scan" not in plan
    print(
        "\nsearch plan uses the GIN indexes comment_search_gin and comment_title_search_gin:",
        "yes" if uses_gin else "NO",
    )
    met = all(results[name] < bar for name, _url, bar in pages if bar is not None) and uses_gin
    print(f"all bars met: {'yes' if met else 'NO'}")
    # A measurement, not a test: the verdict is printed, the exit status stays 0.
    return 0


if __name__ == "__main__":
    sys.exit(main())
