"""Table-driven tests of :func:`searchsvc.people.extract_people`."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from searchsvc.extract import extract
from searchsvc.people import extract_people

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_7de0834fd2ad6f33.txt"

# (text, expected people in order)
CASES = [
    # titles and honorifics are dropped
    ("President Xi Jinping arrived in Moscow on Thursday.", ["Xi Jinping"]),
    ("Mr. Smith said the plan was sound.", ["Smith"]),
    ("Mrs Thatcher and Dr. Henry Kissinger met.", ["Thatcher", "Henry Kissinger"]),
    ("US President Donald Trump imposed tariffs.", ["Donald Trump"]),
    ("Foreign Minister Wang Yi and Commerce Minister Wang Wentao came too.", ["Wang Yi", "Wang Wentao"]),
    ("Irish soccer manager Mick McCarthy named the team.", ["Mick McCarthy"]),
    ("Cofinec CEO Stephen Frater told reporters the deal was done.", ["Stephen Frater"]),
    # initials
    ("George W. Bush spoke to reporters.", ["George W. Bush"]),
    ("Somerset 83 and 174 (P. Simmons 4-38), Leicestershire 296.", ["P. Simmons"]),
    # hyphens, particles
    ("Jean-Marie Le Pen met Mikhail Gorbachev in Paris.", ["Jean-Marie Le Pen", "Mikhail Gorbachev"]),
    ("The works of Ludwig van Beethoven were played.", ["Ludwig van Beethoven"]),
    ("Syrian President Bashar al-Assad met Osama bin Laden's envoy.", ["Bashar al-Assad", "Osama bin Laden"]),
    ("Striker Ruud van Nistelrooy scored twice.", ["Ruud van Nistelrooy"]),
    # Chinese, Korean, Arabic, Russian names
    ("Xi Jinping met Kim Dae-jung and Lee Teng-hui.", ["Xi Jinping", "Kim Dae-jung", "Lee Teng-hui"]),
    # a company's owner: a full name is a person, one word is the company's own name
    ("Media baron Rupert Murdoch's News Corp Ltd and Ivan Boesky's Seemala Corp said.",
     ["Rupert Murdoch", "Ivan Boesky"]),
    ("Moody's Investors Service said. McDonald's Corp said.", []),
    # an initial before a place's name is a person, but for a compass letter or an abbreviation
    ("Bowling: I. Salisbury 10-2-30-1, G. Hamilton 8-1-25-0.", ["I. Salisbury", "G. Hamilton"]),
    ("Talks between N. Korea and S. Korea went on; P.S. Indiana bonds were raised.", []),
    # a regnal number belongs to a monarch's or pope's name (CoNLL-2003 annotates "Leopold III" whole)
    ("King Leopold III of Belgium died. Queen Elizabeth II met Pope John Paul II.",
     ["Leopold III", "Elizabeth II", "John Paul II"]),
    ("Henry VIII had six wives. James Robinson III, chairman of American Express Co, said.",
     ["Henry VIII", "James Robinson III"]),
    ("World War II ended. The Mark II version sold. Mark IV Industries Inc said Mark IV bought it.", []),
    # a Wade-Giles given name whose syllable is also a city ("Cheng") is still a given name ...
    ("Central bank governor Chang Chi-cheng told reporters reserves rose.", ["Chang Chi-cheng"]),
    # ... while places and nationalities joined by a hyphen stay no name
    ("Troops moved along the Shatt al-Arab waterway to the Costa Rica-Nicaragua border.", []),
    ("Libyan leader Muammar Gaddafi greeted Yasser Arafat.", ["Muammar Gaddafi", "Yasser Arafat"]),
    ("Boris Yeltsin and Viktor Chernomyrdin held talks.", ["Boris Yeltsin", "Viktor Chernomyrdin"]),
    ("Kang Young-hoon met Li In-mo and Kim In-so.", ["Kang Young-hoon", "Li In-mo", "Kim In-so"]),
    # a surname that is also a town still counts when the text says so
    ("President Bill Clinton spoke. Clinton said he was pleased.", ["Bill Clinton"]),
    ("Clinton said he would veto the bill.", ["Clinton"]),
    # possessives fold into the full name
    ("Putin's speech was long. Vladimir Putin then left.", ["Vladimir Putin"]),
    ("Vladimir Putin arrived. Putin’s aides followed.", ["Vladimir Putin"]),
    ("Coach Glenn Hoddle's striker Alan Shearer scored.", ["Glenn Hoddle", "Alan Shearer"]),
    # short mentions fold into the full name, order is first mention in any form
    ("Xi, Putin meet\nXi Jinping met Vladimir Putin. Xi said so.", ["Xi Jinping", "Vladimir Putin"]),
    # ALL-CAPS headlines take their case from the body
    ("SOCCER - SHEARER NAMED AS ENGLAND CAPTAIN.\nLONDON 1996-08-30\nAlan Shearer was named captain on Friday.",
     ["Alan Shearer"]),
    # no places, organisations, nationalities, months, weekdays
    ("The January meeting in London on Monday was led by the French and the Germans.", []),
    ("Interfax and the Bank of England met at the Kremlin in Red Square.", []),
    ("Hong Kong-based firms and the New York Stock Exchange rallied.", []),
    ("Charles de Gaulle airport was closed.", []),
    ("The French daily Le Monde and the Red Cross reported it.", []),
    ("Merrill Lynch & Co and Paris Saint-Germain fans agreed.", []),
    # financial institutions, rates and currencies of the wire (a quality review of the people facet)
    ("The London Interbank Offered Rate rose, Societe Generale said.", []),
    ("Morgan Grenfell and Wells Fargo cut rates; the Paris Bourse fell.", []),
    ("Westdeutsche Landesbank Girozentrale and Cie Generale lent 5 mln Aus Sch at 7.80 H.K. Dlr.", []),
    ("Texaco Canada and Norsk Hydro said, the New York Fed reported.", []),
    # a firm named by its first word after its full name, in the same story (a new-user review:
    # Reuters listed "Salomon" 17 times, "Phelps" 14, "Goldman" 11 among its people)
    ("Analysts at Salomon Brothers Inc said prices fell. Salomon said it expected more.", []),
    ("Goldman, Sachs and Co was the adviser. Goldman Sachs said. Goldman said.", []),
    ("Phelps Dodge Corp raised prices. Phelps said so.", []),
    ("Said lead manager Goldman, Sachs and Co. Kidder, Peabody and Co Inc vice president Edward Weihenmayer said.",
     ["Edward Weihenmayer"]),
    ("Phelps Dodge said it raised prices; Diamond Shamrock and Krupp GmbH did not.", []),
    # ... but not a person named after the firm, nor a founder
    ("Ford Motor Co chairman Donald Petersen said. Petersen added that Ford would.", ["Donald Petersen"]),
    ("Henry Ford said. Ford Motor Co was founded by him. Ford said.", ["Henry Ford"]),
    ("The Reagan Administration said. President Reagan agreed.", ["Reagan"]),  # titled: a person
    # ... unless the "title" is the firm's own word: a sports international, a news anchor
    ("International Lease Finance Corp said it sold jets. International Lease said.", []),
    ("ANCHOR GLASS <ANC> SEES FLAT RESULT\nAnchor Glass Container Corp said. Anchor Glass said sales rose.", []),
    ("Defense Secretary Caspar Weinberger canceled the Sgt. York Division Air Defense gun. The Sgt. York "
     "was made by Ford Motor Co.", ["Caspar Weinberger"]),
    ("England international Paul Gascoigne scored. International Lease Finance Corp said.", ["Paul Gascoigne"]),
    # a legal form ends a firm's name, whatever stands before it
    ("The bond was priced at par, sole lead manager Commerzbank AG said.", []),
    ("Bayerische Vereinsbank AG and Henkel KGaA agreed; Philips NV and Nestle S.A. did not.", []),
    ("Morgan Stanley SA chairman Richard Fisher said.", ["Richard Fisher"]),
    # a person takes no article: "the Chamber" is the Chamber of Commerce
    ("The U.S. Chamber of Commerce said prices rose. Recent weeks overcompensated, the Chamber said.", []),
    # a firm before "and Co" or "&", named by its first word later in the story
    ("Sears, Roebuck and Co said it would. Sears said sales rose.", []),
    ("Philip Augar of stockbrokers Wood Mackenzie and Co said. Wood Mackenzie added more.", ["Philip Augar"]),
    ("Paul Volcker, Alan Greenspan and Co are wrong, he said.", ["Paul Volcker", "Alan Greenspan"]),
    # a run before a thing noun ("grade", "crude", "unit", "plant") names that thing for the rest of the story,
    # even with a given name first when that name is also a major place
    ("The South Louisiana Sweet grade of crude was cut. Louisiana Sweet also was lowered 1.50 dlrs.", []),
    ("Henley Group Inc's M.W. Kellogg Co unit won it. Kellogg said it would build the plant.", []),
    ("The Southern Co said its largest subsidiary, Georgia Power Co, spent it. Georgia Power said so.", []),
    ("Flights left Kennedy airport. President Kennedy said no.", ["Kennedy"]),  # titled: a person
    ("Virginia Woolf wrote the book.", ["Virginia Woolf"]),  # alone, a place-like given name still names
    ("Brent crude rose 10 cts, said John Smith of Shearson.", ["John Smith"]),
    # places the generated lists lack
    ("The pipeline links jungle oil fields at Lago Agrio to Balao. Farmers in Mato Grosso protested.", []),
    ("Dry weather prevailed in Minas Gerais, Espirito Santo and Rio Grande do Sul.", []),
    # a firm going on to "and <name> Inc": the first name is no person
    ("Harper and Row Publishers Inc said it got a bid. Harper said no talks are underway.", []),
    ('"The shares will outperform," said Vahid Fathi of Prescott Ball and Turben Inc.', ["Vahid Fathi"]),
    # ... but a titled run, or names that are a firm or a title of their own, meet another firm
    ("President Reagan and General Motors Corp officials met on Monday.", ["Reagan"]),
    ("Mr. Icahn and Texaco Inc reached a settlement. Icahn said.", ["Icahn"]),
    ("Baker and Dole Food Co met. Baker said.", ["Baker"]),
    # a one-word run before "team" or "group" is that mention only, not the name for the whole story
    ("Baker told reporters the dollar was too high. The Baker team arrived in Paris.", ["Baker"]),
    ("Pickens said he would bid. The Pickens group owns 9 pct.", ["Pickens"]),
    # a bare apostrophe after a sibilant is a possessive ("Shultz' visit"), and a role word after
    # "a U.S." takes the article as one after "the" does
    ("It came before Secretary of State George Shultz' visit to Moscow.", ["George Shultz"]),
    ('"It has had little effect," a U.S. Banker told Reuters.', []),
    ("A U.S. Banker told Reuters so. The U.S. Trade Representative Clayton Yeutter agreed.", ["Clayton Yeutter"]),
    # a compass word is a surname after a given name ("Oliver" alone before)
    ("Fired White House aide Lt. Col. Oliver North said nothing. Oliver North's lawyer did.", ["Oliver North"]),
    ("North Sea output and West Germany's exports rose.", []),
    # results tables: teams are not people, scorers are
    ("Amica Wronki 3 Hutnik Krakow 0\nSokol Tychy 5 Lech Poznan 3", []),
    ("Nantes 0 Lens 1 (Smicer 52nd).", ["Smicer"]),
    ("Hamburg beat Hansa Rostock 1-0, Karsten Baeron scoring.", ["Karsten Baeron"]),
    ("Pete Sampras beat Tim Henman 6-3 6-4.", ["Pete Sampras", "Tim Henman"]),
    ("Alec Stewart 3 5 0 396 170 79.20\nJohn Crawley 2 3 0 178 106 59.33", ["Alec Stewart", "John Crawley"]),
    ("Ajax 5 4 1 0 12 3 13\nPSV 5 3 2 0 10 2 11\nFeyenoord 5 3 1 1 8 5 10", []),
    ("1. Michelle Freeman (Jamaica) 12.71 seconds\n2. Ato Boldon (Trinidad) 20.37", ["Michelle Freeman", "Ato Boldon"]),
    # a list is as good as its known members
    ("Gary Breen, Niall Quinn and Keith O'Neill played.\nThe team: Breen, Staunton, Irwin, Quinn, O'Neill.",
     ["Gary Breen", "Niall Quinn", "Keith O'Neill", "Staunton", "Irwin"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_people(text: str, expected: list[str]) -> None:
    assert extract_people(text) == expected


def test_seed_article_exact_answer() -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    title, body = lines[1], "\n".join(lines[2:])
    got = extract_people(body, title=title)
    assert got == ["Xi Jinping", "Vladimir Putin", "Cai Qi", "Wang Yi", "Wang Wentao", "Donald Trump"]
    assert not {"Red Square", "Kremlin", "Power of Siberia", "Victory Day"} & set(got)


# Documents with no mixed-case text at all (old wire copy, telegrams): the name lists and each
# word's neighbours decide which words are names.
ALL_CAPS_CASES = [
    ("JOHN SMITH MET MARY JONES IN LONDON ON MONDAY\nTHE TALKS WENT WELL, SMITH SAID", ["John Smith", "Mary Jones"]),
    ("JOHN SMITH MET MARY JONES\nTALKS ENDED AND SMITH SAID SO", ["John Smith", "Mary Jones"]),
    # words no list knows, beside a name or after a title; particles stay lowercase
    ("PRESIDENT CHARLES DE GAULLE MET CHANCELLOR KONRAD ADENAUER IN BONN.", ["Charles de Gaulle", "Konrad Adenauer"]),
    ("PRESSURE ON NGO DINH DIEM GREW. DIEM SAID NOTHING.", ["Ngo Dinh Diem"]),
    ("THE CONGO'S PREMIER CYRILLE ADOULA FLEW HOME.", ["Cyrille Adoula"]),
    # name particles written with a capital; hyphens and apostrophes as names are written
    ("PRESIDENT GAMAL ABDEL NASSER MET AHMED BEN BELLA.", ["Gamal Abdel Nasser", "Ahmed Ben Bella"]),
    ("SEAN O'BRIEN, MAO TSE-TUNG AND KIM DAE-JUNG MET JEAN-PAUL SARTRE.",
     ["Sean O'Brien", "Mao Tse-tung", "Kim Dae-jung", "Jean-Paul Sartre"]),
    # a listed place of two words is no name, possessive or not; the article "A" is no initial
    ("SOUTH VIET NAM'S PRESIDENT NGO DINH DIEM MET A VIET CONG DEFECTOR IN SRI LANKA.", ["Ngo Dinh Diem"]),
    # a name that is also a plain word needs a given name, a title or an initial beside it
    ("AMBASSADOR HENRY CABOT LODGE AND GEORGE BROWN SPOKE.", ["Henry Cabot Lodge", "George Brown"]),
    ("SURREY 300 (M. BUTCHER 57, A. SMITH 40).", ["M. Butcher", "A. Smith"]),
    ("MACMILLAN WILL SOON GO TO WASHINGTON, MACMILLAN SAID.", ["Macmillan"]),
    ("THE PRESIDENT WILL VISIT BONN. MARY JONES WILL SPEAK.", ["Mary Jones"]),
    ("MRS THATCHER MET VAN MORRISON.", ["Thatcher", "Van Morrison"]),
    ("KENNEDY'S HARD-LINE STANCE WORRIED LODGE.", []),  # a name ends at a possessive; compounds are words
    ("PRICES WILL FALL AND THE LONG BOND WILL HURT.", []),
    ("U.S. TREASURY'S BAKER SAYS PARIS PACT ONLY A START", ["Baker"]),
    # a possessive name is still a name
    ("PRESIDENT KENNEDY'S PLAN WAS DEBATED.", ["Kennedy"]),
    ("THE PLAN OF MR. ADENAUER FAILED.", ["Adenauer"]),  # a title's abbreviation point: still beside it
]


@pytest.mark.parametrize(("text", "expected"), ALL_CAPS_CASES, ids=[c[0][:40] for c in ALL_CAPS_CASES])
def test_all_caps_document(text: str, expected: list[str]) -> None:
    assert extract_people(text) == expected


def test_title_is_read_in_all_caps() -> None:
    assert extract_people("Talks ended. Alan Shearer said so.", title="SHEARER QUITS") == ["Alan Shearer"]


@pytest.mark.parametrize("text", [
    "", " ", "\n\n\n", "\x00\x01\x02\xff\ufffd" * 100, "A" * 5000, "Mr.", "al-", "'s", "(((((", "U.S. U.N.",
    bytes(range(256)).decode("latin-1") * 50, "Xi " * 10000, "Mr. " * 3000 + "Smith",
    "KENNEDY " + "QXZW " * 100_000 + "KENNEDY",  # one 500 KB line of unknown words between two names
    "QXZW " + "DE " * 100_000 + "KENNEDY", "QXZW" * 100_000,  # a particle chain; one huge word
])
def test_odd_input_never_raises(text: str) -> None:
    assert isinstance(extract_people(text, title=text[:100]), list)


def test_non_string_input_gives_empty() -> None:
    assert extract_people(None) == []  # type: ignore[arg-type]


def test_huge_text_is_handled() -> None:
    filler = "the talks went on for hours and nobody said anything new about it. " * 15_000  # ~1 MB
    text = "Vladimir Putin met Xi Jinping. " + filler + "Putin left."
    assert extract_people(text) == ["Vladimir Putin", "Xi Jinping"]


def test_deterministic_and_thread_safe() -> None:
    text = SEED.read_text(encoding="utf-8")
    expected = extract_people(text)
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(extract_people(text))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_extract_entry_point_uses_people() -> None:
    assert extract("Prime Minister John Major spoke.").people == ["John Major"]
