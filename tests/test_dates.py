"""Table-driven tests of date extraction (searchsvc.dates and its helpers).

The reference publication date is Thursday 2025-05-08 unless a case says
otherwise. Expected lists are exact: a case fails on a missing or an extra
value.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import sys
from pathlib import Path

import pytest

from searchsvc import cli
from searchsvc.dates import explain_dates, extract_dates
from searchsvc.dates_lexicon import number_value, ordinal_value, spelled_year_value
from searchsvc.dates_scan import find_mentions, full_scan

THU = dt.date(2025, 5, 8)
ROOT = Path(__file__).resolve().parent.parent


def dates(text: str, published: dt.date | None = THU, title: str = "") -> list[str]:
    return extract_dates(text, published=published, title=title)


RELATIVE = [
    # weekdays: the DCT's own weekday is the DCT; otherwise back, unless the clause looks ahead
    ("The talks ended on Thursday.", ["2025-05-08"]),
    ("TALKS ENDED ON MONDAY; PROFIT FELL LAST YEAR", ["2024", "2025-05-05"]),
    ("Xi landed in Moscow on Wednesday.", ["2025-05-07"]),
    ("Officials said Monday that the deal was off.", ["2025-05-05"]),
    ("The parade will be held on Friday in Red Square.", ["2025-05-09"]),
    ("The ministers are scheduled to meet Monday.", ["2025-05-12"]),
    ("On Sunday, the company said it had sold the unit.", ["2025-05-04"]),
    ("The rebels attacked last Friday.", ["2025-05-02"]),
    ("The vote is set for next Tuesday.", ["2025-05-13"]),
    ("He left last Thursday.", ["2025-05-01"]),
    ("Bomb blasts rocked the Friday's market.", ["2025-05-02"]),
    # deictic words
    ("Shares fell yesterday.", ["2025-05-07"]),
    ("The central bank meets today.", ["2025-05-08"]),
    ("Results are due tomorrow.", ["2025-05-09"]),
    ("It happened the day before yesterday.", ["2025-05-06"]),
    ("Trading was halted late yesterday.", ["2025-05-07"]),
    # years and months relative to the DCT
    ("Profit rose last year.", ["2024"]),
    ("Growth should pick up next year.", ["2026"]),
    ("It is his third visit this year.", ["2025"]),
    ("Sales slowed last month.", ["2025-04"]),
    ("The plant reopens next month.", ["2025-06"]),
    ("Prices jumped this month.", ["2025-05"]),
    ("Earlier this month, the board resigned.", ["2025-05"]),
    ("The merger closed late last year.", ["2024"]),
    ("They married in July last year.", ["2024-07"]),
    ("The law takes effect in April next year.", ["2026-04"]),
    # "N units ago"
    ("Eighty years ago, the war ended.", ["1945"]),
    ("The company was founded three years ago.", ["2022"]),
    ("The mine closed two months ago.", ["2025-03"]),
    ("He was arrested 10 days ago.", ["2025-04-28"]),
    ("The firm went public about five years ago.", ["2020"]),
    # a day or a month without a year
    ("Xi went to Moscow to attend the May 9 Victory Day ceremony.", ["2025-05-09"]),
    ("Sales fell in March.", ["2025-03"]),
    ("The new line will open in September.", ["2025-09"]),
    ("The strike began last December.", ["2024-12"]),
    ("Output peaked in early February.", ["2025-02"]),
    ("The report is due by the end of June.", ["2025-06"]),
    ("The March report showed a rise.", ["2025-03"]),
    # anaphora: counted from the last date the text named
    ("The plant opened in 1990. The following year it was sold.", ["1990", "1991"]),
    ("The strike began March 3, 2001. The next day, talks collapsed.", ["2001-03-03", "2001-03-04"]),
    # holidays
    ("Shoppers crowded the malls before Christmas.", ["2024-12-25"]),
    # cues that only look back, and scheduled present tense that looks ahead
    ("The carrier has been on patrol since March.", ["2025-03"]),
    ("Rebels have held the town since May 20.", ["2024-05-20"]),
    ("Relatives vowed to fight Wednesday's ruling, which they would appeal.", ["2025-05-07"]),
    ("Arafat and Netanyahu meet separately Monday with Albright.", ["2025-05-12"]),
    # a week named by its last day names that day (Reuters' weekly reports; missed before)
    ("Stocks rose in the week ended May 2.", ["2025-05-02"]),
    ("U.S SPOT PRODUCTS--MORNING--MAY 07 1100 EST", ["2025-05-07"]),  # the day, not the year 1100
    ("Results for the year ended Feb 1, 1986\n    Shares outstanding rose.", ["1986-02-01"]),  # a unit on the next line
    ("Producer prices (BASE 1967 EQUALS 100) rose.", ["1967"]),  # a year, not a story code
    # a part of a day names the day ("Friday night" was left out, as TimeML gives it no calendar value)
    ("The bomb went off Friday night.", ["2025-05-02"]),
    ("The earthquake last Thursday night killed 300.", ["2025-05-01"]),
]


@pytest.mark.parametrize("text, expected", RELATIVE)
def test_relative_expressions(text: str, expected: list[str]) -> None:
    assert dates(text) == expected


AROUND_NEW_YEAR = [
    ("The accord was signed on Dec. 21.", dt.date(2025, 1, 5), ["2024-12-21"]),
    ("Sales fell in December.", dt.date(2025, 1, 15), ["2024-12"]),
    ("Holders of record on Jan. 2 will be paid.", dt.date(2024, 11, 2), ["2025-01-02"]),
    ("The offer expires Jan. 31.", dt.date(2024, 12, 20), ["2025-01-31"]),
    ("In January, the chief executive resigned.", dt.date(1989, 10, 26), ["1989-01"]),
]


@pytest.mark.parametrize("text, published, expected", AROUND_NEW_YEAR)
def test_year_inferred_across_year_end(text: str, published: dt.date, expected: list[str]) -> None:
    assert dates(text, published) == expected


ABSOLUTE = [
    ("The treaty was signed May 9, 2025.", ["2025-05-09"]),
    ("The treaty was signed 9 May 2025.", ["2025-05-09"]),
    ("It was signed on the 9th of May, 2025.", ["2025-05-09"]),
    ("The index peaked in March 1987.", ["1987-03"]),
    # capitals: headlines and old wire copy
    ("PLANT CLOSED ON MARCH 3, 1987", ["1987-03-03"]),
    ("TALKS RESUME ON JUNE 5, 2024; IN MAY 2023 PRICES ROSE", ["2023-05", "2024-06-05"]),
    ("Output rose between 1985 and 1986 and from 1986 to 1987.", ["1985", "1986", "1987"]),
    ("The index peaked in March of 1987.", ["1987-03"]),
    ("The index peaked in 1987.", ["1987"]),
    ("Filed 2025-05-09 at noon.", ["2025-05-09"]),
    ("Dated 05/09/2025.", ["2025-05-09"]),
    ("Dated 11/02/89.", ["1989-11-02"]),
    ("The bombing on Friday, Oct. 23, 1998, shocked the city.", ["1998-10-23"]),
    ("Sales in January nineteen ninety-seven were flat.", ["1997-01"]),
    ("The bug was feared for the year two thousand.", ["2000"]),
    ("Earnings for fiscal 1988 rose.", ["1988"]),
    ("Prices will rise by early 1990.", ["1990"]),
    ("It will close by the end of 1994.", ["1994"]),
    ("NATO was founded on April 4, 1949, in Washington.", ["1949-04-04"]),
    ("The bank, founded in 1881, was nationalised in 1982.", ["1881", "1982"]),
    ("The company sold the unit in mid-1996.", ["1996"]),
    ("The plan covers 2015-2020.", ["2015", "2020"]),
    ("1987's results were weak.", ["1987"]),
    ("In May 1987, 1,200 people left.", ["1987-05"]),
    ("Debentures due 2012 and the 2007 notes.", ["2007", "2012"]),
    # a quote word after a month and year in prose: still the month (only a table's "MAY 1350 BID" is a price)
    ("The March 1987 bid was rejected.", ["1987-03"]),
    ("In May 1987 offered rates fell.", ["1987-05"]),
    ("Output fell below the 1986 level.", ["1986"]),  # a year's level
    ("Oil prices are still well below 1985 levels.", ["1985"]),
]


@pytest.mark.parametrize("text, expected", ABSOLUTE)
def test_absolute_forms_and_granularity(text: str, expected: list[str]) -> None:
    assert dates(text) == expected
    assert dates(text, published=None) == expected


NO_PUBLISHED = [
    ("The talks ended on Thursday.", []),
    ("Xi attended the May 9 ceremony.", []),
    ("Profit rose last year and should rise next month.", []),
    ("Eighty years ago, the war ended.", []),
    ("It happened yesterday, not in March.", []),
    ("This is his 11th visit since taking office in 2013 and his third this year.", ["2013"]),
]


@pytest.mark.parametrize("text, expected", NO_PUBLISHED)
def test_without_published_only_self_contained_dates(text: str, expected: list[str]) -> None:
    assert dates(text, published=None) == expected


RANGES = [
    ("The summit runs May 7-9.", ["2025-05-07", "2025-05-09"]),
    ("The summit ran May 7 to 9, 2024.", ["2024-05-07", "2024-05-09"]),
    ("The fair ran 7-9 May 2024.", ["2024-05-07", "2024-05-09"]),
    ("The summit will be held on April 24 and 25.", ["2025-04-24", "2025-04-25"]),
]


@pytest.mark.parametrize("text, expected", RANGES)
def test_ranges_give_their_ends(text: str, expected: list[str]) -> None:
    assert dates(text) == expected


NOT_DATES = [
    "Senior officials will meet in Switzerland later this week.",
    "Prices fell last week and may fall next week.",
    "The protest is planned for the weekend.",
    "It took a decade to build.",
    "The project lasted three years.",
    "The festival is held every May.",
    "Stocks stood at 155,221 bags.",
    "The fee was 1,750 dlrs.",
    "They shipped 2000 tonnes of wheat.",
    "Inflation was high in the 1990s and the mid-1980s.",
    "Profit rose in the third quarter of 1989.",
    "Demand collapsed in the summer of 1998.",
    "The deadline is 10 p.m. Wednesday.",
    "Growth over the past five years was slow.",
    "Prices are now high and have recently risen; they are currently stable.",
    "May I ask a question?",
    "Prime Minister Theresa May said it was over.",
    "The annual March for Life drew crowds.",
    "It has been that way for two thousand years.",
    "Some families have kept their secrets for more than two thousand years.",
    "Trading resumes at 1530 GMT and closes by 1100 EST.",
    "The strike runs between 1900 and 2300 hours local time.",
    "THE FED MAY RAISE RATES, THE MAYOR SAID ON THE HOLIDAY",
    "EARNINGS MAY 10 PCT HIGHER; BANK SAYS IT MAY 2 BILLION DLR LOAN",  # "may" the verb, before a unit
    "Earnings may rise: profit May 10 pct higher",
    "Trading is open from 1900 to 2300 GMT.",
    "The 1987-88 season was long.",
    "He lives at 1600 Pennsylvania Avenue.",
    # from a new-user review of Reuters' mentioned dates
    "Trading runs from 1800 to 2100 local Chicago time.",
    "DOW FALLS 404 POINTS TO 1844",
    "The dollar rose on the news (NYFD 2044)",
    "SUGAR VOLUME FOR MAY 1414 JLY 1199",
    # commodity price tables: delivery months and prices, not months and years
    "NY COCOA OPG 7-APR\n MAY7  1922L  1925H\n JUL7  1955L  1956H",
    "PARIS SUGAR CLOSING\n May 1148/1150 ba\n Aug 1165/1168 ba",
    "YR  SLR  HIGH LOW  SALES\n May 1258 1260 1265 1245 1080\n Jul 1268 1270 1274 1253 1439",
    # from a review of Reuters' mentioned dates: quotes, weight ranges, a clock time given twice
    "Coffee futures: May 1350 BID  Jul 1365 BID",
    "Steers weighing 1100-1350 lbs sold at 65 dlrs.",
    "Trading is suspended until 1500 (1400 GMT).",
    # a row with the previous price in parentheses (Reuters 14278; its years reached 2063)
    "N.Y. COCOA 1200 RING\nMAY 1922   (1934)\n JLY 1956   (1967)\n Mch 2036   (2043)\n May 2056   (2063)",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_not_calendar_dates(text: str) -> None:
    assert dates(text) == []


@pytest.mark.parametrize("text, expected", [
    ("Output rose in May 1986 (1,234 tonnes) and in 1985.", ["1985", "1986-05"]),  # prose, not a row
    ("PRICES\nMAY 1987\n", ["1987-05"]),  # a month and year alone on a line: no prices follow
])
def test_a_month_and_year_beside_numbers_outside_a_price_table(text: str, expected: list[str]) -> None:
    assert dates(text, published=dt.date(1987, 10, 19)) == expected


def test_year_ago_in_quarterly_report_is_a_quarter() -> None:
    report = "Net income in the third quarter rose to $5 million from $4 million a year ago."
    assert dates(report) == []
    assert dates("The dam burst a year ago.") == ["2024"]


def test_seed_article() -> None:
    text = (ROOT / "seeds" / "000_7de0834fd2ad6f33.txt").read_text(encoding="utf-8")
    found = dates(text)
    assert found == ["1945", "2013", "2025", "2025-05-07", "2025-05-08", "2025-05-09"]
    assert dates(text, published=None) == ["2013"]


def test_anaphora_needs_a_nearby_reference() -> None:
    near = "The plant opened in 1990 and, the following year, it was sold."
    far = "The plant opened in 1990. " + "Nothing else happened then. " * 20 + "The following year it was sold."
    assert dates(near) == ["1990", "1991"]
    assert dates(far) == ["1990"]


def test_title_is_read_too() -> None:
    assert dates("No date here.", title="Markets slide on Tuesday") == ["2025-05-06"]


def test_explain_reports_each_mention() -> None:
    kinds = [(m.kind, values) for m, values in explain_dates("He left last year, in 1990s style.", THU)]
    assert kinds == [("rel_unit", ["2024"]), ("decade", [])]


ODD_INPUTS = [
    "",
    "\x00\x01\x02binary\xff\ufffd junk 1999",
    "year 20000 and 99999 and 0000-00-00 and 9999-99-99",
    "Feb 30, 2025 and 31/31/2025 and February 29, 2023",
    "May " * 1000,
    "1987" * 5000,
    "\u200b\u00a0Friday\u2028yesterday\u3000",
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_input_never_raises(text: str) -> None:
    for published in (None, THU, dt.date(1, 1, 1), dt.date(9999, 12, 31)):
        result = extract_dates(text, published=published, title=text[:100])
        assert result == sorted(set(result))


FUZZ_WORDS = (
    "May 9 , 2025 1987 1987-88 the end of last next this year month week day ago three "
    "Friday Friday's yesterday today tonight Christmas 10 p.m. since - to 7 31 Feb. 29 "
    "2/30/1999 9999-99-99 nineteen ninety-six two thousand fiscal quarter third early mid- "
    "the following that earlier later will said in of 0 00 1000 2100 2101 ' \" ( ) . ;"
).split()


def test_random_date_words_never_raise() -> None:
    rng = random.Random(20250508)
    for _ in range(400):
        text = " ".join(rng.choice(FUZZ_WORDS) for _ in range(rng.randint(1, 30)))
        for published in (None, THU, dt.date(1, 1, 1), dt.date(9999, 12, 31)):
            result = extract_dates(text, published=published)
            assert all(len(v) in (4, 7, 10) for v in result), (text, result)


def test_large_text_is_deterministic() -> None:
    filler = "Shares of the company traded higher as investors weighed the outlook. " * 140
    text = ((filler + "Profit rose 5% in 1987 from a year earlier, it said on Monday. ") * 100)[:1_000_000]
    first = extract_dates(text, published=THU)
    assert first == extract_dates(text, published=THU) == ["1986", "1987", "2025-05-05"]


SCAN_SAMPLE = (
    "On Friday, Oct. 23, 1998, the first nine months of 1997 were reviewed. Last week, "
    "about three years ago, by the end of 1994 and early next year, 10 p.m. Wednesday, "
    "the day before yesterday, every May, the mid-1980s, fiscal 1988, May 7-9, 9 May 2025, "
    "the year-earlier quarter, later that year, the following month, Christmas Day, "
    "January nineteen ninety-seven, 05/09/2025 and 2025-05-09 in mid-1996. "
    "TALKS ENDED ON MONDAY, MARCH 3, 1987; PROFIT FELL LAST YEAR AND LAST MONTH."
)


def test_anchor_scan_finds_what_a_full_scan_finds() -> None:
    fast = [(m.kind, m.start, m.end) for m in find_mentions(SCAN_SAMPLE)]
    full = [(m.kind, m.start, m.end) for m in full_scan(SCAN_SAMPLE)]
    assert fast == full
    assert len(fast) >= 20


@pytest.mark.parametrize("words, value", [
    ("nineteen ninety-six", 1996), ("nineteen seventy-nine", 1979), ("two thousand", 2000),
    ("two thousand and one", 2001), ("nineteen oh five", 1905), ("seventy", None),
])
def test_spelled_years(words: str, value: int | None) -> None:
    assert spelled_year_value(words) == value


@pytest.mark.parametrize("word, value", [("three", 3), ("Eighty", 80), ("twenty-five", 25), ("a", 1), ("dozen", None)])
def test_number_words(word: str, value: int | None) -> None:
    assert number_value(word) == value


@pytest.mark.parametrize("word, value", [("eighth", 8), ("twenty-first", 21), ("3rd", 3), ("tenthly", None)])
def test_ordinal_words(word: str, value: int | None) -> None:
    assert ordinal_value(word) == value


def test_cli_extract_emits_dates(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    line = json.dumps({"id": "x", "text": "The talks ended on Thursday.", "published": "2025-05-08"})
    monkeypatch.setattr(sys, "stdin", io.StringIO(line + "\n"))
    assert cli.main(["extract"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["id"] == "x" and record["dates"] == ["2025-05-08"]


@pytest.mark.parametrize("text, expected", [
    ("DOW DROPS UNDER 2000 LEVEL", []),  # a level later than the story: the index's
    ("Oil prices are still well below 1985 levels.", ["1985"]),  # a past year's level
    ("Prices fell to the 1986 level.", ["1986"]),
])
def test_a_level_named_by_a_number(text: str, expected: list[str]) -> None:
    assert dates(text, published=dt.date(1987, 10, 19)) == expected

