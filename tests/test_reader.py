"""The extractive reader on hand-written passages: every answer kind, the short lead, and its refusals.

No index is needed: the reader takes passages and an IDF lookup. A flat IDF (every word weighs the same)
keeps these cases about the reading rules rather than a corpus's statistics.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from qa.candidates import find, looks_like_person, names_in_title, states, title_case
from qa.description import description
from qa.extractive import ExtractiveGenerator
from qa.offices import office_of
from qa.passage import Passage
from qa.places import place_of_people
from qa.prompt import Message
from qa.question import QUANTITY_KINDS, Kind, alternatives, analyse
from qa.quoting import quote_around
from qa.refusal import CANNOT_ANSWER
from qa.requirements import passage_names, required_names
from qa.support import split_sentences

ARTICLES = {
    "storm": (
        "Storm Halvard hits the coast",
        "Storm Halvard, a Category 2 storm, brought wind gusts of up to 150 kilometres per hour on Tuesday night, "
        "cutting power to about 95,000 homes. The grid operator, Northline Energy, said most customers would be "
        "reconnected by Friday morning. Three people were killed when a wall collapsed in the town of Brask. The "
        "port of Holm recorded 80 millimetres of rain in ten hours. The ferry service was suspended.",
    ),
    "deal": (
        "Carrow Mining agrees takeover of Deltane",
        "Carrow Mining will buy its rival Deltane for 4.2 billion euros, almost double the original estimate. "
        "Chief executive officer Mara Ilves said the deal would close in March 2027. Deltane employs 3,400 "
        "people in six countries. The shares rose 12 percent. The company will build a smelter in Ostrava. "
        "Carrow's chairman, Piet Ruud, has signed a four-year contract. Profits fell because of lower copper "
        "prices. The 58-year-old Ilves joined the company in 2015.",
    ),
    "loans": (
        "College ends student loans",
        "Dartmouth College announced Tuesday it was eliminating student loans for undergraduates. The Ivy League "
        "school said gifts from alumni would pay for the grants.",
    ),
    "synagogue": (
        "Fire at synagogue investigated as arson",
        "JACKSON – The fire at the Beth Israel synagogue was set on purpose, police said. A suspect was arrested by "
        "Jackson, Mississippi, authorities after the fire broke out at the state's largest synagogue.",
    ),
    "fast": (
        "Former NFL player loses 100 pounds on a water fast",
        "A former NFL Super Bowl champion says he lost more than 100 pounds on a water fast. Russell Okung, the "
        "former player, said he drank only water for 40 days.",
    ),
    "auction": (
        "Someone paid $19 million for a steak lunch with Warren Buffett",
        "The annual charity auction closed on Friday night after five days of bidding. The winner asked not to be "
        "named, the organisers said.",
    ),
    "award": (
        "Caroline Kennedy presents courage award",
        "Caroline Kennedy presented the John F. Kennedy Profile in Courage Award to Mike Pence on Sunday in Boston.",
    ),
    "volcano": (
        "Volcano erupts in Japan",
        "Japan's Sakurajima volcano, on the island of Kyushu, erupted on Sunday, prompting evacuations.",
    ),
    "primary": (
        "Alsobrooks wins Maryland primary",
        "Maryland Democrats nominated Angela Alsobrooks on Tuesday, and the Republican nominee is Larry Hogan.",
    ),
    "retailer": (
        "Retailer warns it may not survive",
        "The New Jersey-based chain Bed Bath & Beyond said there is substantial doubt it can stay in business.",
    ),
    "fireworks": (
        "Where to see the best July 4th fireworks",
        "The Macy's fireworks show in New York City is the largest in the country. Barges moored on the East River "
        "launch the shells. The Philadelphia Museum of Art provides the backdrop for the city's show on the parkway.",
    ),
    "grid": (
        "Cuba's power grid fails again",
        "Cuba's electric network collapsed on Monday, for the third time in a year. Millions of Cubans were left in "
        "the dark as Cuba's grid operator tried to restart its plants. The United States offered no help. Officials "
        "in Havana said Cuba would be reconnected within days.",
    ),
    "havana": (
        "Power grid fails again",
        "Havana's electric network collapsed on Monday, for the third time in a year. Millions in Havana were left "
        "in the dark as the grid operator tried to restart its plants near Havana. Officials in Havana said the "
        "grid of Cuba would be reconnected within days.",
    ),
    "coach": (
        "Titans fire their coach",
        "The Tennessee Titans fired their head coach, Mike Vrabel, on Monday.",
    ),
    "pileup": (
        "Six dead in Illinois pileup",
        "The 70 vehicles in the pileup were towed by Illinois State Police. At least six people died after a blinding "
        "dust storm caused the pileup on Monday.",
    ),
    "aws": (
        "Thousands report issues amid Amazon Web Services outage",
        "Users across the country could not reach their apps for several hours on Monday.",
    ),
    "lighthouse": (
        "Lighthouse repainted",
        "Keeper Ottilie Brannigan painted the Quelmport lighthouse zorblaxian violet, a colour she mixes herself. "
        "Scientists found a gene variant called Christchurch in the family.",
    ),
    "chipmaker": (
        "Arvel quarterly profit rises 18 percent",
        "The chipmaker Arvel reported a net profit of 1.2 billion dollars, up 18 percent. Arvel also announced a share "
        "buyback. The shares rose 6 percent in after-hours trading.",
    ),
    "aground": (
        "Ferry runs aground off Holm",
        "The Brask ferry ran aground off Holm on Tuesday with 120 passengers on board. The 24-year-old captain Lena "
        "Varga steered it free. Nobody was hurt.",
    ),
    "upload": (
        "Brask ferry aground",
        "The Brask ferry ran aground off Holm on Tuesday with 120 passengers on board. The 24-year-old captain Lena "
        "Varga steered it free. The ferry had carried passengers for 12 seasons.",
    ),
    "exonerated": (
        "City pays men wrongly convicted",
        "The city will pay $26 million to two men convicted in the 1965 assassination of the mayor. The bank's former "
        "CEO Ivo Tenn was a witness. Its CEO, Lia Moor, welcomed the deal. Dana Shaw, an attorney for "
        "the men, spoke after a 22-month investigation.",
    ),
    "governor": (
        "Power grid fails again",
        "The grid collapsed on Monday, for the third time in a year, while Maria Lopez ran the utility. Millions were "
        "left in the dark as Maria Lopez met engineers. Maria Lopez promised power within days.",
    ),
    "trial": (
        "Gwyneth Paltrow wins ski collision trial in Utah",
        "The actress had taken the stand at the ski collision trial on Friday. The jury took two hours.",
    ),
    "economist": (
        "Greenspan dies at 100",
        "Economist Alan Greenspan, who led the Federal Reserve for 18 years, died on Monday at the age of 100.",
    ),
    "honour": (
        "Pence honoured for certifying the election",
        "Former Vice President Mike Pence received the courage award on Sunday for certifying the election.",
    ),
    "eclipse": (
        "Eclipse turns the moon red",
        "A total lunar eclipse turned the moon a deep red on Tuesday. Observers in Lima saw it first, creating a "
        "phenomenon often called a “blood moon” by skywatchers.",
    ),
    "water": (
        "Water use report",
        "The report said the US used more water than any other country last year.",
    ),
    "show": (
        "Chappelle sells out the Chase Center in San Francisco",
        "Comedian Dave Chappelle headlined the Chase Center on Sunday. Elon Musk, who bought Twitter in October, "
        "had flown in for the show. Near the end, Chappelle brought out Musk on stage to a chorus of boos.",
    ),
    "menus": (
        "Lunchables removed from school lunch menus",
        "The lunch kits met lower than expected demand from school districts, their maker said on Monday.",
    ),
    "court": (
        "Judge fines Velora Foods over river spill",
        "A court on Monday fined Velora Foods 12 million dollars for polluting the Tarn River. Judge Ana Brecht "
        "said the company had ignored warnings. Velora said it would appeal.",
    ),
    "runoff": (
        "Warnock wins Georgia runoff",
        "Senator Raphael Warnock defeated his challenger Herschel Walker, a former football star, in the runoff. "
        "Walker conceded on Tuesday night in Atlanta.",
    ),
    "tariffs": (
        "Tariffs take effect",
        "President Trump's sweeping tariffs on imported steel and aluminum took effect on Wednesday. Markets "
        "fell in Tokyo.",
    ),
    "tony": (
        "Broadway hands out its awards",
        "Sarah Snook was among the nominees in New York on Sunday. Snook, who plays 26 characters in the show, "
        "won her first Tony for best leading actress in a play.",
    ),
    "expelled": (
        "House expels George Santos",
        "Rep. George Santos was expelled from the House on Friday after a scathing ethics report. Earlier, "
        "Santos' fellow New York Republicans led an effort to expel him.",
    ),
    "transfer": (
        "Tavros sign Radescu",
        "Tavros United signed the striker Emil Radescu from Dorvik Athletic on Monday. The 24-year-old Romanian "
        "scored 29 league goals last season. Radescu will wear the number 9 shirt. Dorvik Athletic will also "
        "receive 15 percent of any future transfer fee.",
    ),
    "earnings": (
        "Heliant profit rises",
        "Heliant reported a record profit on Thursday. Chief financial officer Jonas Pereira said the company would "
        "open a new factory in Lisbrook.",
    ),
    "orders": (
        "Arvel sales climb",
        "Arvel's sales rose 9 percent in the quarter, helped by orders for its processors from data centre operators. "
        "The company also named a new chairman.",
    ),
    "railway": (
        "Storm closes schools",
        "Schools stayed closed on Wednesday, and the coastal railway between Holm and Brask was suspended.",
    ),
    "measles": (
        "Measles cases rise after first death",
        "Texas reported 159 measles cases in its outbreak, most of them in Gaines County. Twenty-two people have "
        "been hospitalized as of Tuesday.",
    ),
    "measles-rest": (
        "Measles cases rise after first death",
        "About 1 in 5 children who fall ill end up in hospital, the CDC says.",
    ),
    "quake": (
        "Haiti earthquake",
        "On Saturday, the island was hit by a temblor two times larger than the one in 2010. The 7.2-magnitude "
        "temblor struck about 78 miles from the capital.",
    ),
    "study": (
        "Rainwater unsafe to drink",
        "The research was paid for by the Swedish Research Council, said Martin Scheringer. Rainwater everywhere "
        "would be judged unsafe to drink, said Ian Cousins, lead author of the study.",
    ),
    "arrests": (
        "Polk sheriff on the pardons",
        "Olivia Pollock and Hutchinson were arrested in 2021 and released on bond.",
    ),
    "jersey": (
        "Franco Harris dies at 72",
        "Harris ran 42 yards for the touchdown in 1972. The Steelers had planned to retire his No. 32 jersey on "
        "Saturday.",
    ),
    "march": (
        "March of the Mummies",
        "The former chancellor once told MPs that mums were owed a debt of thanks. Thousands of mothers marched "
        "through London on Saturday to demonstrate against the cost of childcare.",
    ),
    "counties": (
        "Hurricane death toll rises",
        "Twenty-four deaths were recorded in Charlotte County, officials said on Tuesday.",
    ),
    "race": (
        "Blaney wins the Coca-Cola 600",
        "Ryan Blaney held off William Byron to win the Coca-Cola 600 on Monday. Kevin Harvick finished 11th in his "
        "final Coca-Cola 600. Byron finished second, followed by Martin Truex Jr.",
    ),
    "venue": ("Race moved", "The rescheduled race was held at Charlotte Speedway on Monday."),
    "mayor": (
        "Deegan wins",
        "Jacksonville is one of few major Florida cities without a first female mayor. Democrat Donna Deegan will "
        "serve as the first female mayor of Jacksonville.",
    ),
    "womb": (
        "UK's first womb transplant",
        "The first birth following a womb transplant took place in Sweden in 2014. The UK operation, its first "
        "womb transplant, was carried out by surgeons in Oxford.",
    ),
    "transplants": (
        "Womb transplants offered to more women",
        "Up to 30 transplants could be taking place every year, said Sky News. The first birth following "
        "a womb transplant took place in Sweden in 2014, when a boy called Vincent was born. In the UK's first womb "
        "transplant, surgeons in Oxford spent eight hours removing the womb.",
    ),
    "operations": ("More operations planned", "Up to 30 operations a year are expected, said Sky News."),
    "perry": (
        "Doctor who sold Matthew Perry ketamine is sentenced",
        "The Los Angeles doctor who supplied ketamine to actor Matthew Perry has been sentenced to 30 months. The "
        "doctor, Dr. Salvador Plasencia, had supplied the actor for months.",
    ),
    "crown": (
        "The Crown returns to Netflix",
        "Dominic West plays the new Prince Charles and Elizabeth Debicki plays Princess Diana in the new season.",
    ),
    "versailles": (
        "France enshrines abortion rights",
        "Parliament passed the abortion amendment with an overwhelming vote of 780-72 at Versailles on Monday.",
    ),
    "author": (
        "Cormac McCarthy, author of 'The Road,' dies",
        'Cormac McCarthy, the Pulitzer Prize-winning author of "The Road," has died. He was 89. McCarthy was born '
        "in Providence, Rhode Island.",
    ),
    "outage": (
        "FAA outage delays flights",
        "The FAA instituted a nationwide pause on departures, known as a ground stop, for about 90 minutes on "
        "Wednesday morning. The ash plume of the volcano rose 20 kilometers into the air.",
    ),
    "tonga": (
        "Tonga eruption",
        "The tsunami hit Hawaii, Japan and Tonga's largest island, Tongatapu, flooding the capital. Ash fell in the "
        "Tonga capital, Nuku'alofa, on Saturday. Liz Truss, 47, is the UK's prime minister.",
    ),
    "outbreak": (
        "Flour recalled after outbreak",
        "Health officials have identified 13 illnesses and three hospitalizations in the outbreak. There have been no "
        "confirmed sightings of the beetle in the last two years. The mill closed in response to falling demand for "
        "its flour. The town's population shrank from almost 200,000 in 1990 to about 160,000 in 2020. The state "
        "spent $2.1 million on the cleanup. The state may fine the mill up to $50,000. The miller took over the mill "
        "at 19 to save it.",
    ),
    "colombia": (
        "Colombia election results",
        "Gustavo Petro won the presidential race on Sunday. In this historic win, his running mate Francia Marquez "
        "will become the first Afro-Colombian vice president. The running mates for both final-round candidates "
        "are Afro-Colombian women.",
    ),
    "ticket": (
        "Colombia votes",
        "Petro won the presidential race on Sunday. The running mates for both final-round candidates are "
        "Afro-Colombian women. Afro-Colombian voters turned out in record numbers for the running mates.",
    ),
    "buses": (
        "Lisbrook schools awarded $2M for electric buses",
        "The Lisbrook school district has been awarded nearly $2 million to buy electric buses. Its driver Ana "
        "Pell ended a 59-race winless streak at the county track. The founder of the track was killed in 1965.",
    ),
    "rover": (
        "Lunar rover launched",
        "The Velm rover will conduct its main operations for 14 days near the crater. It carries four cameras.",
    ),
    "greenspan": (
        "Alan Greenspan dies at 100",
        "Influential economist Alan Greenspan died Monday at 100 from complications of Parkinson's disease. He led "
        "the Federal Reserve for 18 years.",
    ),
    "petro": (
        "Petro wins in Colombia",
        "Gustavo Petro won the presidential race on Sunday. His running mate, an Afro-Colombian, spoke after him.",
    ),
    "airline": (
        "Airline to fly charters for the government",
        "The budget carrier will fly charter flights from Mesa in May. In a statement, Avelo Airlines CEO Andrew "
        "Levy said the flying would keep its crews employed.",
    ),
    "crew": (
        "Four astronauts launch to the Orbis station",
        "Lumen Aerospace launched four astronauts to the Orbis station on Wednesday. The four crew members, "
        "engineers Rui Sato and Tomas Velk and pilots Ada Brenn and Ilse Marr, lifted off at 12 p.m. ET from "
        "Cape Verra. Jan Holt/Reuters Astronaut Ada Brenn waves to her family before the launch. She is the first "
        "Icelandic astronaut to join a Lumen mission. She is also serving as mission commander, the first woman to "
        "lead a Lumen mission. Ferrari driver Leo Marsh posted a video with Nina Kardashian from the launch site.",
    ),
    "launch": (
        "Second Lumen crew launches",
        "Lumen Aerospace launched its second crew on Friday. Astronaut Eva Lund waved to her family before the "
        "launch. She is also serving as mission commander, the first woman to lead a Lumen mission.",
    ),
    "charter": (
        "Varnish parliament changes its charter",
        "Varnish lawmakers voted on Monday to change the country's charter. This amendment to the Varnish charter "
        "is one of only 17 made since the charter was adopted in 1958.",
    ),
    "ethics": (
        "House ethics committee opens two reviews",
        "The House ethics committee opened a review of Rep. Ola Dunn on Monday. The committee said the "
        "congressman’s chief of staff, Per Lind, did not cooperate with its inquiry. Dunn's lawyer, Mia Kohl, said "
        "Dunn would answer every question. Kohl called the review of Dunn unfair.",
    ),
    "twitter": (
        "A day of chaos at Twitter",
        "Twitter laid off about half of its staff last week. The dire wolf exhibit at the zoo shows an animal that "
        "could weigh up to 150 pounds. The race was won by Ryan Blaney, giving owner Roger Smith a sweep.",
    ),
    "obituary": (
        "Ivo Brandt, former Marlow governor, dies at 91",
        "Former Marlow governor Ivo Brandt died Thursday at the age of 91. In addition to serving as governor from "
        "1990 to 1998, Brandt served as Keld County prosecutor. Brandt died at a home in Orsett, his son Tom Brandt "
        "said. He suffered an infection that went into his lungs, the son said.",
    ),
    "lawsuit": (
        "Judge dismisses lawsuit against singer Corvel",
        "A judge dismissed the case brought by Ada Walsh against the singer Corvel on Wednesday. Walsh filed her "
        "complaint in May 2021. At an awards show in September 2010, Walsh said, Corvel pushed her off the stage. "
        "Jack Orlen, who thanked Pia Dorn on Thursday, is the son of Clara Voss. Jack Orlen appeared on "
        "television alongside his mother on Friday.",
    ),
    "preacher": (
        "Two men cleared in Odo Ren killing",
        "Odo Ren – a preacher and spokesman of the movement until 1964 – was killed in Harlem on Feb. 21, 1965.",
    ),
    "heat": (
        "Marlow sets May heat record",
        "May 26 broke the record for the hottest day in May ever recorded in Marlow, with temperatures reaching 35.1 "
        "degrees Celsius (95 degrees Fahrenheit).",
    ),
    "floods": (
        "Oregon braces for floods",
        "The flood centre is the first in Oregon to open this year. Governor Ola Reyes opened the flood centre at the "
        "state police headquarters in Dimmock on Friday. Flood crews in Oregon were told to report to the centre.",
    ),
    "envoy": (
        "Envoy Orlo Sand returns home",
        "Orlo Sand had been in Vienna for talks aimed at halting Iran's nuclear program. Sand was born on July 20, "
        "1961, in Providence, Rhode Island, the youngest of six children.",
    ),
    "velar": (
        "Velar profit rises on chip demand",
        "The chipmaker Velar reported a first-quarter net profit of 1.2 billion dollars on Thursday, up 18 percent "
        "from a year earlier.",
    ),
    "pollution": (
        "Court orders Marl Chemicals to pay for river pollution",
        "A federal court ordered Marl Chemicals to pay 92 million dollars in damages for polluting the Tarn River "
        "between 2019 and 2023.",
    ),
    "lasted": (
        "Tarn River clean-up begins",
        "The court found that the Tarn River pollution went on for four years.",
    ),
    "striker": (
        "Dorvik sign a striker",
        "The 24-year-old Romanian scored 29 league goals last season and has agreed a five-year contract.",
    ),
    "signing": (
        "Kestrel City sign striker Ivo Marsh for a record fee",
        "Kestrel City have signed the striker Ivo Marsh from Dorvik Athletic for 38 million euros.",
    ),
    "owner": (
        "Vale wins the Coca-Cola 600",
        "Ryan Vale won the Coca-Cola 600 on Monday. Vale thanked team owner Roger Pask. The return of racing to "
        "Detroit is Pask's gift to the city. Then, the 86-year-old heads to Le Mans.",
    ),
    "plant": (
        "Court fines Marl Chemicals",
        "A court ordered Marl Chemicals to pay for polluting the Tarn River. The company discharged solvents from "
        "its Fenmoor plant.",
    ),
    "spacewalk": (
        "Private crew prepares for spacewalk",
        "Led by billionaire Jared Isaacman, the crew will attempt the first private spacewalk. The crew includes "
        "pilot Scott “Kidd” Poteet and engineers Sara Gill and Ana Mena. The 14-foot-tall capsule was built by "
        "Orbis.",
    ),
    "words": (
        "Dictionaries pick their words of 2022",
        "Oxford Dictionaries said Monday that “goblin mode” has been selected by online vote as its word of the "
        "year. Last week Merriam-Webster announced that its word of the year is “gaslighting”, a kind of "
        "manipulation. In 2021 the Oxford word of the year was “vax” and Merriam-Webster’s was “vaccine.”",
    ),
    "whale": (
        "Fin whale dies after beaching",
        "The 50-foot fin whale that beached itself at the park on Sunday died overnight. MERR, a Lewes-based "
        "nonprofit, set up a perimeter. Kestrel football has fired coach Matt Weil, athletics director Warde Manul "
        "announced on Friday.",
    ),
    "diner": (
        "Singer Vela, promoter Livewire sued by fans over late show",
        "Waffle Hut charges customers 50 cents per egg at its 2,100 locations. Ned Holland sued the singer Vela for "
        "breach of contract after the show started late.",
    ),
    "drinks": (
        "Energy drinks go natural",
        "Energy drink sales hit $12.6 billion last year, representing a 14% jump from 2008, according to a market "
        "research firm. Less than 20% of the state's teenagers drink them every week.",
    ),
    "contest": (
        "Bulgaria cheers its first song contest win",
        "Prime Minister Rumen Radev congratulated Dara (aka Darina Nikolaeva Yotova), who returns on Sunday.",
    ),
    "burger": (
        "Burger chain pulls its Quarter Pounder",
        "Amid an E. coli outbreak that has left 49 people sickened, Burgerama said Tuesday it was pulling its "
        "Quarter Pounder from 900 restaurants. Rival Patty Palace stopped selling onions over concerns about "
        "their supplier.",
    ),
    "snack": (
        "Snack Wrap returns",
        "On Thursday, Burgerama's U.S. president, Joe Erlinger, confirmed that the Snack Wrap will return next year.",
    ),
    "wedding": (
        "Actor and actress marry in two ceremonies",
        "The actor revealed he and Alba Vale had two ceremonies, one in Portugal. Ben Morrow received four student "
        "draft deferments. The acquisition of the studio is expected to close in 12 to 18 months.",
    ),
    "passover": (
        "Passover 2025: what is the Jewish holiday?",
        "Passover, also known as Pesach, is a Jewish holiday that celebrates the story of Exodus. The celebrations "
        "last for seven or eight days, depending on where the holiday is celebrated.",
    ),
    "camp": (
        "Singer begins military duty",
        "Jin, who turned 30 this month, entered the boot camp at Yeoncheon, a town near the border with North Korea.",
    ),
    "couple": (
        "Film star marries actress",
        'The "Night Hawk" star, 42, confirmed on Saturday at a comic convention in New York that he is '
        "officially off the market after marrying the actress Mira Solberg.",
    ),
    "ceremonies": ("Two ceremonies", "The actor said he and Solberg, 26, had two ceremonies."),
    "coningsby": ("Heat record broken", "A temperature of 40.3 Celsius was recorded at Coningsby on Tuesday."),
    "airstrikes": ("Strikes at sea", "The navy has carried out five military airstrikes on boats since May."),
    "keeling": ("Baristas strike", "It is the first such action, said Tyler Keeling, a 26-year old union supporter."),
    "halftime": (
        "Halftime show line-up",
        "The rappers will headline the halftime show of Super Bowl LVI on Feb. 13 at SoFi Stadium in Inglewood.",
    ),
    "walkout": ("Baristas walk out", "The union says it is striking to protest the retaliation against members."),
    "command": (
        "Admiral warns",
        "Elliot Abrams heads the envoy office. Elliot Abrams visited US Southern Command in Miami. “We see it,” Adm. "
        "Craig Fuller, the head of US Southern Command, said.",
    ),
    "vesk": (
        "Economist dies at 100",
        "The economist Arno Vesk died Monday at 100. The bank's chair Ida Roon leaves office Tuesday.",
    ),
    "blackouts": (
        "National grid collapses, reason unknown",
        "Havana — Cuba's national electric grid collapsed on Monday, leaving ten million people without power. "
        "Cuba's rolling blackouts have grown longer for months. Today's outage is the third this year.",
    ),
    "bank": (
        "Halvern's reserve bank raises its rate again",
        "The Reserve Bank of Halvern raised its lending rate to 4.75% on Wednesday. Tomas Brell, chief economist at "
        'Calloway Capital, said the rise would add to mortgage costs. "We cannot let prices run away," Governor '
        "Elena Marsk, 58, told reporters.",
    ),
    "lecturers": (
        "Lecturers at Brackmoor University begin strike over pay",
        "Classes at Brackmoor University were cancelled on Monday after lecturers walked out over pay. The walkout "
        "is set to last two weeks. Across town, police are still investigating the robbery of a jewellery shop. "
        "The raid lasted less than 90 seconds.",
    ),
    "walking": (
        "Short walk after meals cuts blood sugar spikes, study finds",
        "A 15-minute walk after each meal lowered blood sugar spikes in adults with type 2 diabetes by nearly a "
        "third, according to a study published on Monday. The benefits were strongest in participants over 65.",
    ),
    "rates": (
        "Reserve bank raises rate to 4.75% amid stubborn inflation",
        "The Reserve Bank of Halvern raised its lending rate to 4.75% on Wednesday after consumer prices rose faster "
        "than expected in October. Unemployment rose to 6.3% in the third quarter.",
    ),
    "crossing": (
        "Train hits lorry at level crossing",
        'Two people were killed when a commuter train struck a lorry on Thursday. "The crew showed great courage," '
        "said Fire Chief Anita Roscoe. The railway's operator apologised to passengers.",
    ),
}


def passages(*keys: str) -> list[Passage]:
    out = []
    for n, key in enumerate(keys, 1):
        title, text = ARTICLES[key]
        out.append(
            Passage(
                n,
                f"{key}:0",
                key,
                title,
                text,
                f"https://news.test/{key}",
                "2026-03-04",
                "News Test",
                score=1.0,
                similarity=0.5,
                author=f"{key.title()} Writer",
            )
        )
    return out


@pytest.fixture(scope="module")
def reader() -> ExtractiveGenerator:
    return ExtractiveGenerator(idf=lambda term: 1.0)


def lead_and_marker(answer: str) -> tuple[str, str]:
    lead = answer.split(" — ")[0] if " — " in answer else ""
    return lead, answer.rsplit(" ", 1)[-1]


@pytest.mark.parametrize(
    ("articles", "question", "kind", "lead", "marker"),
    [
        (("court", "storm"), "How many homes lost power?", Kind.COUNT, "about 95,000", "[2]"),
        (("court", "storm"), "How many people died?", Kind.COUNT, "Three", "[2]"),
        (("court", "storm"), "How strong were the wind gusts?", Kind.AMOUNT, "up to 150 kilometres per hour", "[2]"),
        (("court", "storm"), "How much rain fell in Holm?", Kind.AMOUNT, "80 millimetres", "[2]"),
        # The story is of Wednesday, March 4, 2026: the Friday after it.
        (("court", "storm"), "When will power be back?", Kind.DATE, "Friday morning (March 6, 2026)", "[2]"),
        (("court", "storm"), "Who is the grid operator?", Kind.PERSON, "Northline Energy", "[2]"),
        (("court", "storm"), "Where did the wall collapse?", Kind.PLACE, "Brask", "[2]"),
        (("deal", "storm"), "How much will Carrow pay for Deltane?", Kind.MONEY, "4.2 billion euros", "[1]"),
        # "What did … pay / cost?" asks for the sum as "How much…?" does.
        (("deal", "storm"), "What will Carrow pay for Deltane?", Kind.MONEY, "4.2 billion euros", "[1]"),
        (("deal", "storm"), "Who is the CEO of Carrow Mining?", Kind.PERSON, "Mara Ilves", "[1]"),
        (("deal", "storm"), "When will the deal close?", Kind.DATE, "March 2027", "[1]"),
        (("deal", "storm"), "How many people does Deltane employ?", Kind.COUNT, "3,400", "[1]"),
        (("deal", "storm"), "How long is the chairman's contract?", Kind.DURATION, "four-year", "[1]"),
        (("deal", "storm"), "How old is Ilves?", Kind.AGE, "58-year-old", "[1]"),
        (("deal", "storm"), "Where will the smelter be built?", Kind.PLACE, "Ostrava", "[1]"),
        (("deal", "storm"), "How much did the shares rise?", Kind.AMOUNT, "12 percent", "[1]"),
        # The words a person types for the words news writes: a lawyer is an attorney, a probe an investigation;
        # "what year" is answered by a bare year; "Who is…" asks for who holds the post now, not the "former CEO".
        (("exonerated",), "Who is the lawyer for the two men?", Kind.PERSON, "Dana Shaw", "[1]"),
        (("exonerated",), "How long was the probe?", Kind.DURATION, "22-month", "[1]"),
        (("exonerated",), "What year was the mayor assassinated?", Kind.DATE, "1965", "[1]"),
        (("exonerated",), "Who is the bank's CEO?", Kind.PERSON, "Lia Moor", "[1]"),
        # People are counted by what befell them ("13 illnesses" for "got sick"); "how long since…" asks for the
        # time since an event, with no noun the span must stand by.
        (("outbreak",), "How many people got sick in the outbreak?", Kind.COUNT, "13", "[1]"),
        (("outbreak",), "How long since the last beetle sighting?", Kind.DURATION, "two years", "[1]"),
        # "How much money…": the money is the answer, not a word the sentence must hold.
        (("outbreak",), "How much money did the state spend on the cleanup?", Kind.MONEY, "$2.1 million", "[1]"),
        # "How much did they get?" asks for money; a headline rounds the figure its story states in full; a streak
        # lasts a number of races; "assassinated" is "killed".
        (("buses",), "How much did the Lisbrook schools get for buses?", Kind.MONEY, "nearly $2 million", "[1]"),
        (("buses",), "How long was Ana Pell's winless streak?", Kind.DURATION, "59-race", "[1]"),
        (("buses",), "What year was the track founder assassinated?", Kind.DATE, "in 1965", "[1]"),
        # "How much can the FAA fine…?" asks for money, and "amid" is no noun it stands by; "at 19 to start…"
        # is an age.
        (("outbreak",), "How much can the state fine the mill amid the outbreak?", Kind.MONEY, "up to $50,000", "[1]"),
        (("outbreak",), "How old was the miller when she took over the mill?", Kind.AGE, "19", "[1]"),
        # The tagger tells the noun asked for: "carry" is a verb, no noun the duration must stand by.
        (("rover",), "How long will the Velm rover carry out its main operations?", Kind.DURATION, "14 days", "[1]"),
        # How long something goes on for, or takes, is how long news says it lasts; seconds are a span too.
        (("lecturers",), "How long is the Brackmoor uni strike going on for?", Kind.DURATION, "two weeks", "[1]"),
        (("lecturers",), "How long did the robbery take?", Kind.DURATION, "less than 90 seconds", "[1]"),
        # A name may end in its number, and the noun asked is part of it: "Category 4" answers "what category".
        (("storm",), "What category was Storm Halvard?", Kind.NAME, "Category 2", "[1]"),
        # "his running mate": whose, the passage says; "Afro-Colombian women" tell of someone, not who.
        (("colombia",), "Who is Petro's running mate?", Kind.PERSON, "Francia Marquez", "[1]"),
        # "What time…?" is answered by the clock, not the day; a sentence that says "she" answers who, by whom the
        # sentences before it name (not by "the first Icelandic astronaut", which tells of her, not who she is);
        # a surname that ends like a people's adjective is still a name; "the congressman's chief of staff" is
        # Dunn's, in a story about Dunn.
        (("crew",), "What time did the Orbis crew lift off?", Kind.DATE, "12 p.m. ET", "[1]"),
        (("crew",), "Who is the commander of the Lumen mission?", Kind.PERSON, "Ada Brenn", "[1]"),
        (("crew",), "Who posted a video with Leo Marsh from the launch?", Kind.PERSON, "Nina Kardashian", "[1]"),
        (("launch",), "Who is the commander of the second Lumen crew?", Kind.PERSON, "Eva Lund", "[1]"),
        (("ethics",), "Who is Rep. Ola Dunn's chief of staff?", Kind.PERSON, "Per Lind", "[1]"),
        # "This amendment… is one of only 17 made since…": the count counts the noun the sentence began with.
        (("charter",), "How many amendments has the Varnish charter had?", Kind.COUNT, "17", "[1]"),
        # What is counted is the last noun of "wedding ceremonies", and "student draft" only describes deferments;
        # when something is due may be counted from the story's day.
        (("wedding",), "How many wedding ceremonies did the actor have?", Kind.COUNT, "two", "[1]"),
        (("wedding",), "How many draft deferments did Ben Morrow receive?", Kind.COUNT, "four", "[1]"),
        (("wedding",), "When is the studio acquisition expected to close?", Kind.DATE, "in 12 to 18 months", "[1]"),
        # "Dara (aka Darina Nikolaeva Yotova)" says what she is called, with no "real"; initials are no person.
        (("contest",), "What is Dara's real name?", Kind.NAME, "Darina Nikolaeva Yotova", "[1]"),
        (("contest",), "What is Dara's full name?", Kind.NAME, "Darina Nikolaeva Yotova", "[1]"),
        (("snack",), "Who is the president of Burgerama USA?", Kind.PERSON, "Joe Erlinger", "[1]"),
        (("passover",), "What is another name for Passover?", Kind.NAME, "Pesach", "[1]"),
        # Where a thing is, "at" points to, though a country the lists know stands in the same sentence.
        (("camp",), "Where is Jin's boot camp?", Kind.PLACE, "Yeoncheon", "[1]"),
        # An age far from the one asked, in a sentence that names them, is someone else's.
        (("couple", "ceremonies"), "How old is Mira Solberg?", Kind.AGE, "26", "[2]"),
        (("coningsby",), "What temperature was recorded at Coningsby?", Kind.AMOUNT, "40.3 Celsius", "[1]"),
        # Words the article uses for the question's: an airstrike is a strike.
        (("airstrikes",), "How many boat strikes has the navy carried out?", Kind.COUNT, "five", "[1]"),
        # "26-year old" is an age too; "played" is no word a where-answer must repeat.
        (("keeling",), "How old is Tyler Keeling?", Kind.AGE, "26-year old", "[1]"),
        (("halftime",), "Where will Super Bowl LVI be played?", Kind.PLACE, "SoFi Stadium", "[1]"),
        (("command",), "Who leads US Southern Command?", Kind.PERSON, "Craig Fuller", "[1]"),  # the head of it
        # "a 14% jump from 2008": the year it is measured from is not the year asked, and the change noun marks
        # the change asked for.
        (("drinks",), "How much were energy drink sales in 2012?", Kind.AMOUNT, "$12.6 billion", "[1]"),
        (("drinks",), "How much did energy drink sales grow?", Kind.AMOUNT, "14%", "[1]"),
    ],
)
def test_questions_lead_with_the_short_answer(
    reader: ExtractiveGenerator, articles: tuple[str, ...], question: str, kind: Kind, lead: str, marker: str
) -> None:
    assert analyse(question).kind is kind
    answer = reader.answer(question, passages(*articles))
    assert lead_and_marker(answer) == (lead, marker), answer


# Which of the sentence's candidates leads, when the question reads one way and the sentence another.
@pytest.mark.parametrize(
    ("articles", "question", "lead", "marker"),
    [
        pytest.param(
            ("storm", "court"),
            "Which river was polluted?",
            "Tarn River",
            "[2]",
            id="which_question_takes_the_name_holding_its_noun",
        ),
        pytest.param(
            ("storm",),
            "What was the top wind speed?",
            "up to 150 kilometres per hour",
            "[1]",
            id="a_measure_asked_for_by_name_is_answered_by_a_number_with_its_unit",
        ),
        pytest.param(
            ("twitter",),
            "Who owns the car Blaney drove?",
            "Roger Smith",
            "[1]",
            id="a_verb_asks_for_the_noun_of_who_does_it",
        ),
        # "finished 11th" is another place; "Byron", opening its sentence, is a name the article writes in full.
        pytest.param(
            ("race",),
            "Who finished second in the Coca-Cola 600?",
            "William Byron",
            "[1]",
            id="a_place_asked_by_its_ordinal_is_the_sentence_s_own",
        ),
        pytest.param(
            ("mayor",),
            "Which city elected its first female mayor?",
            "Jacksonville",
            "[1]",
            id="a_city_is_asked_for_not_its_state",
        ),
        pytest.param(
            ("womb",),
            "Where did the UK's first womb transplant take place?",
            "Oxford",
            "[1]",
            id="where_in_a_named_country_is_not_another_country",
        ),
        pytest.param(
            ("coach",),
            "Which team fired its head coach?",
            "Tennessee Titans",
            "[1]",
            id="a_thing_asked_for_is_not_a_person_the_tagger_knows",
        ),
        # "off Holm", in the headline and again in the text (the tagger takes Holm for a person): the place outvoted
        # the captain before.
        pytest.param(
            ("aground",),
            "Who steered the ferry free?",
            "Lena Varga",
            "[1]",
            id="a_name_where_only_a_place_can_stand_is_no_answer_to_who",
        ),
        pytest.param(
            ("versailles",),
            "What was the vote on the abortion amendment?",
            "780-72",
            "[1]",
            id="a_vote_is_answered_by_its_tally",
        ),
        pytest.param(
            ("court",),
            "Who was the judge?",
            "Ana Brecht",
            "[1]",
            id="role_question_leads_with_the_name_without_the_role",
        ),
        pytest.param(
            ("obituary",),
            "Where did former Marlow governor Ivo Brandt die?",
            "Orsett",
            "[1]",
            id="where_someone_died_is_by_the_word_for_dying_not_by_their_title",
        ),
        pytest.param(
            ("lawsuit",),
            "When did Ada Walsh sue Corvel?",
            "May 2021",
            "[1]",
            id="a_suit_is_filed_and_its_date_stands_by_the_filing_not_by_the_name",
        ),
        pytest.param(
            ("lawsuit",),
            "Who is Jack Orlen's mother?",
            "Clara Voss",
            "[1]",
            id="a_parent_is_written_from_the_childs_side",
        ),
        pytest.param(
            ("heat",),
            "What temperature set Marlow's record for the hottest May day?",
            "35.1 degrees Celsius",
            "[1]",
            id="what_measure_then_a_verb_asks_for_the_measure_with_its_scale",
        ),
        pytest.param(
            ("floods",),
            "Where is the flood centre Reyes opened?",
            "Dimmock",
            "[1]",
            id="where_is_not_outvoted_by_the_state_the_story_is_set_in",
        ),
        pytest.param(
            ("envoy",),
            "Where had Orlo Sand been for talks?",
            "Vienna",
            "[1]",
            id="a_place_in_points_to_counts_as_much_as_a_listed_country_beside_it",
        ),
        pytest.param(
            ("envoy",),
            "Where was Orlo Sand born?",
            "Providence, Rhode Island",
            "[1]",
            id="a_town_is_named_with_the_state_written_after_it",
        ),
        pytest.param(
            ("velar",),
            "How much did Velar's profit grow?",
            "18 percent",
            "[1]",
            id="how_much_something_grew_is_the_change_not_the_figure",
        ),
        pytest.param(
            ("storm",),
            "What is Northline Energy?",
            "The grid operator",
            "[1]",
            id="a_name_question_though_its_last_word_is_a_noun",
        ),
        pytest.param(
            ("court",),
            "Who is Ana Brecht?",
            "Judge",
            "[1]",
            id="an_office_alone_says_what_someone_is",
        ),
        pytest.param(
            ("signing",),
            "Who is Ivo Marsh?",
            "the striker",
            "[1]",
            id="a_role_is_not_taken_from_a_headline",
        ),
        pytest.param(
            ("spacewalk",),
            "Who is the pilot?",
            "Scott “Kidd” Poteet",
            "[1]",
            id="a_nickname_in_quotes_is_part_of_the_name",
        ),
        pytest.param(
            ("spacewalk",),
            "Who leads the spacewalk crew?",
            "Jared Isaacman",
            "[1]",
            id="led_by_says_who_leads",
        ),
        pytest.param(
            ("spacewalk",),
            "How tall is the capsule?",
            "14-foot-tall",
            "[1]",
            id="a_measure_written_as_an_adjective",
        ),
        pytest.param(
            ("words",),
            "What was the Oxford word of the year in 2021?",
            "vax",
            "[1]",
            id="a_word_asked_for_is_the_quoted_term",
        ),
        pytest.param(
            ("words",),
            "What is Merriam-Webster's word of the year for 2022?",
            "gaslighting",
            "[1]",
            id="its_is_the_name_just_before_it",
        ),
        pytest.param(
            ("whale",),
            "How long was the fin whale?",
            "50-foot",
            "[1]",
            id="how_long_a_thing_was_is_its_length",
        ),
        pytest.param(
            ("whale",),
            "Where is MERR based?",
            "Lewes",
            "[1]",
            id="where_based_is_the_name_before_based",
        ),
        pytest.param(
            ("whale",),
            "Who is Kestrel's athletic director?",
            "Warde Manul",
            "[1]",
            id="the_one_who_announced_is_the_subject_not_the_one_before_the_comma",
        ),
        pytest.param(
            ("diner",),
            "How much does Waffle Hut charge per egg?",
            "50 cents",
            "[1]",
            id="cents_are_money",
        ),
        pytest.param(
            ("diner",),
            "Who sued Vela?",
            "Ned Holland",
            "[1]",
            id="who_was_sued_by_someone_is_not_who_sued",
        ),
        pytest.param(
            ("fireworks",),
            "Which museum is the backdrop for Philly's fireworks?",
            "Philadelphia Museum of Art",
            "[1]",
            id="a_city_by_its_nickname",
        ),
        pytest.param(
            ("fireworks",),
            "Which museum is the backdrop for Philadelphia's fireworks?",
            "Philadelphia Museum of Art",
            "[1]",
            id="a_body_named_x_of_y_is_kept_whole_though_the_question_names_x",
        ),
        pytest.param(
            ("fireworks",),
            "Where are the Macy's fireworks launched from in NYC?",
            "East River",
            "[1]",
            id="the_question_s_own_place_by_its_initials_is_no_answer",
        ),
    ],
)
def test_the_lead_is_the_candidate_asked_for(
    reader: ExtractiveGenerator, articles: tuple[str, ...], question: str, lead: str, marker: str
) -> None:
    answer = reader.answer(question, passages(*articles))
    assert lead_and_marker(answer) == (lead, marker), answer


def talk(*turns: str) -> list[Message]:
    return [Message("user" if i % 2 == 0 else "assistant", t) for i, t in enumerate(turns)]


def test_a_follow_up_is_searched_with_the_question_that_opened_its_subject(reader: ExtractiveGenerator) -> None:
    history = talk(
        "How much net profit did Heliant make in the first quarter?",
        "1.27 billion dollars — “The chipmaker Heliant reported a first-quarter net profit…” [1]",
        "What were analysts expecting?",
        "The indexed articles do not answer this question.",
        "Up by how much from last year?",
        "18 percent — “…up 18 percent from a year earlier.” [1]",
        "Who wrote the article?",
        "Amara Quist [1]",
    )
    # "What drove it?" names nothing new: Heliant's profit is still the subject, four questions on.
    standalone = reader.condense("What drove it?", history)
    assert standalone.startswith("How much net profit did Heliant make") and standalone.endswith("What drove it?")
    assert "analysts" not in standalone  # the opening question and the last two, not the whole conversation
    # Short but naming a new subject, it is searched alone; and a name an answer gave is no new subject.
    assert reader.condense("Who is Emil Radescu?", history) == "Who is Emil Radescu?"
    assert reader.condense("Is Amara Quist a reporter?", history).startswith("How much net profit")


def test_he_in_a_follow_up_is_the_person_the_conversation_named_last(reader: ExtractiveGenerator) -> None:
    history = talk(
        "Who have Tavros United signed?",
        "Emil Radescu — “Tavros United signed the striker Emil Radescu from Dorvik Athletic on Monday.” [1]",
        "Which club was he at?",
        "Dorvik Athletic — “…from Dorvik Athletic on Monday.” [1]",  # no person: a club answers a which-question
    )
    question = reader.condense("How old is he?", history)
    assert question.endswith(" How old is Emil Radescu?"), question
    # The other questions say nothing of his age; "The 24-year-old Romanian" is who he is, the passage says.
    answer = reader.answer(question, passages("transfer"))
    assert "The 24-year-old Romanian" in answer and answer.endswith("[1]"), answer
    assert reader.condense("What is his shirt number?", history).endswith(" What is Emil Radescu's shirt number?")
    # Nobody named yet: "he" is left as typed, for the search and the reader to make what they can of it.
    club = talk("Which club did Tavros sign a striker from?", "Dorvik Athletic — “…from Dorvik Athletic…” [1]")
    assert reader.condense("How old is he?", club).endswith(" How old is he?")


def test_she_after_a_who_answered_with_no_short_answer_is_the_one_person_it_names(reader: ExtractiveGenerator) -> None:
    history = talk(
        "Who headlined the folk festival?",
        "The headline slot on Saturday night went to singer-songwriter Maeve Ardell, 31, who played to an estimated "
        "20,000 people. [1]",
    )
    assert reader.condense("How many people watched her?", history).endswith(" How many people watched Maeve Ardell?")
    # An answer naming two people says neither is "she".
    two = talk(
        "Who spoke at the festival?",
        "Festival director Owen Pritchard and singer Maeve Ardell spoke before the show. [1]",
    )
    assert reader.condense("How old is she?", two).endswith(" How old is she?")


def test_up_by_how_much_asks_for_the_change_from_last_year(reader: ExtractiveGenerator) -> None:
    history = talk(
        "How much net profit did Arvel make?",
        "1.2 billion dollars — “The chipmaker Arvel reported a net profit of 1.2 billion dollars, up 18 percent.” [1]",
    )
    # "last year" says when, like "year": the follow-up has no words of its own and is about the profit.
    question = reader.condense("Up by how much from last year?", history)
    assert analyse(question).earlier and "last" not in analyse(question).focus
    answer = reader.answer(question, passages("chipmaker"))
    assert lead_and_marker(answer) == ("18 percent", "[1]"), answer


def test_figures_are_voted_for_whole_not_by_the_digits_after_their_point(reader: ExtractiveGenerator) -> None:
    # "5.1%" was split into words of which none was left ("5" and "1" are too short), and "4.75%" into "75": the
    # headline's rate got every vote and outranked the sentence that says how high inflation is.
    text = (
        "The Reserve Bank of Halvern raised its benchmark rate to 4.75% on Wednesday. Annual inflation climbed to "
        "5.1% last month, up from 4.6% in September."
    )
    headline = "Halvern Raises Rate to 4.75% Amid Stubborn Inflation"
    answer = reader.answer("How high is inflation?", story(text, headline))
    assert answer.startswith("5.1% — “Annual inflation climbed to 5.1%"), answer


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # A measure stands by its word across small words, as a date does: "climbed to", "rose to".
        ("How high is unemployment?", "6.3%"),
        ("How much was stolen?", "about 280,000 pounds"),
        # "around 60% of the stolen goods" is a share of what was stolen, however close it stands to "stolen";
        # asked for a share, it is the answer.
        ("How much of the stolen goods was recovered?", "around 60%"),
    ],
)
def test_a_measure_stands_by_its_word_across_small_words(reader: ExtractiveGenerator, question: str, lead: str) -> None:
    text = (
        "Unemployment rose to 6.3% in the third quarter. Police have arrested three men over a raid on a jewellery "
        "store in which watches and rings worth about 280,000 pounds were stolen. Officers recovered around 60% of "
        "the stolen goods, along with a motorbike."
    )
    assert lead_and_marker(reader.answer(question, story(text)))[0] == lead


THERANOS = (
    "The jury found him guilty on all 12 counts of fraud. His former partner, Elizabeth Holmes, was tried "
    "separately. Holmes was convicted on four counts of investor fraud earlier this year."
)


@pytest.mark.parametrize(
    ("question", "text", "headline", "lead"),
    [
        # The story is Balwani's (its headline says so), but a sentence opening with another person tells theirs.
        ("How many counts was Balwani convicted on?", THERANOS, "Sunny Balwani convicted", "12"),
        ("How many counts was Holmes convicted on?", THERANOS, "Sunny Balwani convicted", "four"),
        # The tagger takes "Turnout" for a person; the passage writes "turnout" in lower case, so it is no one.
        (
            "What percentage of people voted in Eastbrook?",
            "Ana Whitcombe was elected mayor of Eastbrook on Tuesday. Turnout was 58 percent. Low turnout was feared.",
            "Whitcombe ousts Eastbrook mayor",
            "58 percent",
        ),
    ],
)
def test_a_figure_in_a_sentence_opening_with_someone_else_is_theirs(
    reader: ExtractiveGenerator, question: str, text: str, headline: str, lead: str
) -> None:
    assert lead_and_marker(reader.answer(question, story(text, headline)))[0] == lead


def test_a_count_by_place_is_one_place_s_not_the_whole(reader: ExtractiveGenerator) -> None:
    text = (
        "The storm also caused the deaths of eight people in Collier County, five in Volusia County and three in "
        "Lee County. At least 109 people have been killed by the storm, officials said."
    )
    assert lead_and_marker(reader.answer("How many people did the storm kill?", story(text)))[0] == "109"
    asked = "How many people did the storm kill in Collier County?"
    assert lead_and_marker(reader.answer(asked, story(text)))[0] == "eight"


def test_a_place_sharing_only_its_kind_with_a_place_the_question_names_is_another_place(
    reader: ExtractiveGenerator,
) -> None:
    text = "FBI agents captured all three on Jan. 6, 2024, at a ranch in southern Lake County."
    question = "How many Polk County people were charged? Where did the FBI finally catch them?"
    # "Lake County" shares "County" with "Polk County", which the question names: it is still no name it says.
    assert lead_and_marker(reader.answer(question, story(text))) == ("Lake County", "[1]")
    assert reader.answer("Where did the FBI catch the Lake County residents?", story(text)) == CANNOT_ANSWER
    # But a body's initials spelled out are the question's own name, whatever kind of body it shares.
    awards = story("Demi Moore won best actress at the Screen Actors Guild Awards on Sunday.")
    assert lead_and_marker(reader.answer("Who won best actress at the SAG Awards?", awards)) == ("Demi Moore", "[1]")


def test_how_much_is_it_costing_asks_for_money(reader: ExtractiveGenerator) -> None:
    assert analyse("How much is the study costing?").kind is Kind.MONEY
    assert analyse("How much are they paying him?").kind is Kind.MONEY
    # A sentence whose only figure is a headcount doesn't say what the study costs.
    text = "NASA's 16-person team will study UFOs. The study will report in July."
    assert reader.answer("How much is the NASA study costing?", story(text)) == CANNOT_ANSWER


def test_where_in_a_place_is_not_answered_by_a_country(reader: ExtractiveGenerator) -> None:
    text = "Putin will not attend the G20 summit in Bali. Putin's war in Ukraine will be discussed at the summit."
    assert not reader.answer("Where in Bali is the G20 summit being held?", story(text)).startswith("Ukraine")


def test_a_headlines_imperative_is_no_ones_name(reader: ExtractiveGenerator) -> None:
    title = "Measles cases rise after first death: See which"
    passages = story("Twenty-two people have been hospitalized.", title=title)
    assert reader.answer("Who died of measles?", passages) == CANNOT_ANSWER  # not "See"


BRIDGE = (
    "The Harbour Bridge in Kestrel reopened to traffic on Monday after eight months of repairs that cost 54 million "
    "pounds, the city council said. The bridge was closed in March after inspectors found cracks in two of its steel "
    "cables. About 40,000 vehicles crossed the bridge each day before it closed."
)
BRIDGE_TITLE = "Harbour Bridge in Kestrel reopens after repairs"


def test_a_follow_up_is_answered_by_a_sentence_saying_its_own_words(reader: ExtractiveGenerator) -> None:
    history = talk("When did the Harbour Bridge reopen?", "The Harbour Bridge in Kestrel reopened to traffic… [1]")
    # The reopening sentence holds more of the conversation's words, and "after eight months of repairs" reads as
    # a cause; but the follow-up asks why it was closed.
    answer = reader.answer(reader.condense("Why was it closed?", history), story(BRIDGE, BRIDGE_TITLE))
    assert answer == "The bridge was closed in March after inspectors found cracks in two of its steel cables. [1]"
    answer = reader.answer(reader.condense("How many cars used it a day?", history), story(BRIDGE, BRIDGE_TITLE))
    assert lead_and_marker(answer) == ("40,000", "[1]"), answer  # cars are vehicles


CRASH = (
    "Two people were killed when a commuter train struck a lorry near the village of Ashcombe Vale. The 7:42 a.m. "
    "service to Port Callan was carrying about 260 passengers when it hit the lorry. The dead were the train "
    "driver, Gareth Mullen, 49, and a passenger in the first carriage."
)


def test_a_follow_up_naming_no_one_is_answered_from_the_story_of_the_names_before(
    reader: ExtractiveGenerator,
) -> None:
    history = talk(
        "What happened in the Ashcombe Vale train crash?",
        "Two people were killed when a commuter train struck a lorry near the village of Ashcombe Vale. [1]",
    )
    # The sentence that counts the passengers doesn't repeat "Ashcombe Vale": its story does. Passengers are the
    # people aboard; the driver's age, written after his name, counts no one.
    answer = reader.answer(reader.condense("How many people were on the train?", history), story(CRASH))
    assert lead_and_marker(answer) == ("about 260", "[1]"), answer


def test_what_someone_said_is_quoted_with_any_verb_of_saying(reader: ExtractiveGenerator) -> None:
    text = (
        'The Reserve Bank of Halvern raised its lending rate to 4.75% on Wednesday. "We cannot allow high prices '
        'to become a permanent feature of household budgets," Governor Elena Marsk told reporters.'
    )
    answer = reader.answer("What did Elena Marsk say?", story(text))
    assert answer.startswith('"We cannot allow high prices'), answer


def test_when_attaches_to_its_verb_across_small_words(reader: ExtractiveGenerator) -> None:
    # "reopened to traffic on Monday": three words apart, but only "traffic" among them says anything.
    answer = reader.answer("When did the Harbour Bridge reopen?", story(BRIDGE, BRIDGE_TITLE))
    assert lead_and_marker(answer) == ("Monday (March 2, 2026)", "[1]"), answer


def test_what_a_company_blames_or_cites_is_a_cause(reader: ExtractiveGenerator) -> None:
    text = "Veldt Motors will cut 1,200 jobs at its Rosmere plant, blaming weaker demand for its electric models."
    assert [c.text for c in find(Kind.CAUSE, text)] == ["weaker demand for its electric models"]
    assert [c.text for c in find(Kind.CAUSE, "Arvel closed two stores, citing rising rents.")] == ["rising rents"]
    assert reader.answer("Why is Veldt Motors cutting jobs?", story(text)) == f"{text} [1]"


def test_a_one_digit_percentage_answers_what_percentage(reader: ExtractiveGenerator) -> None:
    # "4" is no word the index keeps, so "4 percent" looked like nothing but the question's own "percentage".
    text = "Sales of the Arden fell 22 percent in the quarter. Shares in Veldt fell 4 percent in early trading."
    answer = reader.answer("What percentage did Veldt shares fall?", story(text))
    assert lead_and_marker(answer) == ("4 percent", "[1]"), answer


def test_bare_pounds_are_money_where_a_price_is_said_of_them(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("How much did the Harbour Bridge repairs cost?", story(BRIDGE, BRIDGE_TITLE))
    assert lead_and_marker(answer) == ("54 million pounds", "[1]"), answer
    assert find(Kind.MONEY, "Some 2 million pounds of beef were recalled.") == []  # a weight
    assert find(Kind.MONEY, "The lander weighs 150 pounds.") == []
    # Or where money flows in or out: brought, raised, earned…
    text = "Traders estimated the weekend brought 6.5 million pounds into the town's economy."
    answer = reader.answer("How much money did the festival bring into the town?", story(text, "Folk festival"))
    assert lead_and_marker(answer) == ("6.5 million pounds", "[1]"), answer


def test_who_brought_a_case_is_who_brought_the_lawsuit(reader: ExtractiveGenerator) -> None:
    text = "A court fined Velora Foods on Monday. The lawsuit was brought by 1,400 residents of the town of Wyle."
    answer = reader.answer("Who brought the case against Velora Foods?", story(text))
    assert answer == "The lawsuit was brought by 1,400 residents of the town of Wyle. [1]", answer


def test_a_country_named_in_a_follow_up_opens_no_subject_of_its_own(reader: ExtractiveGenerator) -> None:
    history = talk("How strong was the earthquake in Haiti?", "7.2-magnitude — “The 7.2-magnitude temblor…” [1]")
    # Searched alone, "the US" and "aid" find another story (Ukraine's); the talk is still of Haiti's quake.
    assert reader.condense("How much aid has the US sent?", history).startswith("How strong was the earthquake")
    assert reader.condense("How much aid has Heliant sent?", history) == "How much aid has Heliant sent?"


def test_a_follow_up_saying_nothing_of_its_own_is_about_what_the_conversation_opened_with(
    reader: ExtractiveGenerator,
) -> None:
    history = talk(
        "How much did Arvel's sales rise?",
        "9 percent — “Arvel's sales rose 9 percent in the quarter…” [1]",
        "Who is the new chairman?",
        "The indexed articles do not answer this question.",
    )
    question = reader.condense("What drove it?", history)
    answer = reader.answer(question, passages("orders"))
    # The sales rose, helped by orders: not the chairman, whom the question just before was about.
    assert answer.startswith("Arvel's sales rose 9 percent") and answer.endswith("[1]"), answer


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("What drove the rise in Arvel's sales?", ("rise", "arvel", "sale")),
        ("What led to the rise in Arvel's sales?", ("rise", "arvel", "sale")),
        ("What's behind the rise in Arvel's sales?", ("rise", "arvel", "sale")),
        ("What drove it?", ()),  # a follow-up: what "it" is, the conversation says
    ],
)
def test_what_drove_or_led_to_something_asks_for_its_cause(question: str, focus: tuple[str, ...]) -> None:
    # The article says what did it ("helped by orders", "on strong demand"), seldom that it "drove" it.
    assert (analyse(question).kind, analyse(question).focus) == (Kind.CAUSE, focus)
    assert analyse("What led the team?").kind is not Kind.CAUSE


def test_what_moved_a_figure_is_its_cause() -> None:
    causes = [c.text for c in find(Kind.CAUSE, ARTICLES["orders"][1])]
    assert causes == ["orders for its processors from data centre operators"]
    assert [c.text for c in find(Kind.CAUSE, "Heliant profit rises 18 percent on strong chip demand")] == [
        "strong chip demand"
    ]
    assert find(Kind.CAUSE, "The talks went on through the night.") == []


@pytest.mark.parametrize(
    ("question", "key", "said"),
    [
        ("How did Velora respond?", "court", "Velora said it would appeal."),
        ("How did the markets react to the tariffs?", "tariffs", "Markets fell in Tokyo."),
        ("Which rail line was suspended?", "railway", "the coastal railway between Holm and Brask"),
    ],
)
def test_a_question_in_other_words_than_the_article_s(
    reader: ExtractiveGenerator, question: str, key: str, said: str
) -> None:
    answer = reader.answer(question, passages(key, "chipmaker"))
    assert said in answer.splitlines()[0] and answer.splitlines()[0].endswith("[1]"), answer


@pytest.mark.parametrize(
    ("question", "text", "lead"),
    [
        (
            "What club does Esther González play for?",
            "Gotham FC teammates Esther González and Jess Carter played for Spain and England at the Euros.",
            "Gotham FC",
        ),
        (
            "Who will stand in for Putin at the G20?",
            "Putin will be represented by Foreign Minister Sergey Lavrov, the embassy said.",
            "Sergey Lavrov",
        ),
        (
            "How old is the castle Israel seized?",
            "Israel captured a 900-year-old fortress in southern Lebanon on Sunday.",
            "900-year-old",
        ),
    ],
)
def test_a_short_question_in_other_words_than_the_sentence_that_answers_it(
    reader: ExtractiveGenerator, question: str, text: str, lead: str
) -> None:
    # Each was refused: the sentence holds none of the question's own words but its names ("play"/"teammates",
    # "stand in for"/"represented by", "castle seized"/"captured fortress").
    answer = reader.answer(question, story(text))
    assert lead_and_marker(answer) == (lead, "[1]"), answer


@pytest.mark.parametrize(
    ("conversation", "kind", "target"),
    [
        ("How many people were killed? And the injured?", Kind.COUNT, "people"),
        ("How many people died? What about in Texas?", Kind.COUNT, "people"),
        ("How much did it cost? And how long did it take?", Kind.DURATION, None),  # a question of its own
        ("Who won the race? And who came second?", Kind.PERSON, None),
    ],
)
def test_and_the_injured_is_asked_as_the_question_before_it(conversation: str, kind: Kind, target: str | None) -> None:
    asked = analyse(conversation)
    assert (asked.kind, asked.target) == (kind, target)


def test_a_follow_up_s_sentence_needn_t_name_what_only_earlier_questions_named(reader: ExtractiveGenerator) -> None:
    history = talk("How many people have caught measles in Texas?", "159 — “Texas reported 159 measles cases…” [1]")
    question = reader.condense("How many have ended up in hospital?", history)
    ranked = passages("measles", "measles-rest")
    # Read as the whole conversation names things, no sentence about hospital names Texas: refused, and the top
    # article is read whole (Answerer.stream). Only then is the follow-up's own naming enough, in a passage naming
    # Texas: "Twenty-two people…", not the CDC's nationwide sentence, more about "end up in hospital" as it is.
    assert reader.answer(question, ranked) == CANNOT_ANSWER
    whole = [ranked[0], replace(ranked[1], ranked=False)]
    answer = reader.answer(question, whole)
    assert answer == "Twenty-two people have been hospitalized as of Tuesday. [1]", answer


def test_how_strong_an_earthquake_was_is_its_magnitude(reader: ExtractiveGenerator) -> None:
    assert [c.text for c in find(Kind.AMOUNT, "A magnitude 6.3 earthquake struck Hatay.")] == ["magnitude 6.3"]
    answer = reader.answer("How strong was the earthquake in Haiti?", passages("quake"))
    assert lead_and_marker(answer) == ("7.2-magnitude", "[1]"), answer  # not "two" (times larger), not "78 miles"


@pytest.mark.parametrize(
    ("question", "kind", "said"),
    [
        # "What's the death toll?" asks how many died, in the article's words for dying.
        ("What's the death toll in the storm?", Kind.COUNT, "Three people were killed"),
        # Research is a study; one led it as its lead author.
        ("Who led the research?", Kind.PERSON, "Ian Cousins"),
    ],
)
def test_what_people_type_is_read_in_the_article_s_words(
    reader: ExtractiveGenerator, question: str, kind: Kind, said: str
) -> None:
    assert analyse(question).kind is kind
    key = {"storm": "storm", "research": "study"}
    answer = reader.answer(question, passages(next(v for k, v in key.items() if k in question)))
    assert said in answer.splitlines()[0] and answer.endswith("[1]"), answer


def test_where_is_not_answered_by_people(reader: ExtractiveGenerator) -> None:
    # The small tagger sees a body in "Olivia Pollock and Hutchinson" as well as people: people are no place.
    answer = reader.answer("Where were they arrested?", passages("arrests"))
    assert not answer.startswith("Olivia Pollock and Hutchinson —"), answer


def test_a_day_of_the_month_is_no_count() -> None:
    sentence = "The party does not view the eight local Jan. 6 defendants as patriots."
    assert [c.text for c in find(Kind.COUNT, sentence)] == ["eight"]


def test_what_people_protest_about_is_a_matter_not_a_name(reader: ExtractiveGenerator) -> None:
    assert analyse("What were the mums protesting about?").kind is Kind.ANY
    assert analyse("What is the lawsuit about?").kind is Kind.ANY
    assert analyse("What about the injured?").kind is not Kind.ANY  # an ellipsis, asked as the question before
    # Mums are mothers, and they protested by demonstrating: not "MPs", the one name near "mums".
    answer = reader.answer("What were the mums protesting about?", passages("march"))
    assert answer.startswith("Thousands of mothers marched") and answer.endswith("[1]"), answer


def test_a_number_asked_for_may_be_written_no(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("What number did Franco Harris wear?", passages("jersey"))
    assert lead_and_marker(answer) == ("32", "[1]"), answer


def test_a_one_character_number_is_not_taken_for_the_word_after_it(reader: ExtractiveGenerator) -> None:
    # "the number 9 shirt": the "9" is no word of the question, though "shirt", the word after it, is.
    answer = reader.answer("What shirt number will Radescu wear?", passages("transfer"))
    assert lead_and_marker(answer) == ("9", "[1]"), answer


def test_a_follow_up_is_read_as_the_question_asked_now(reader: ExtractiveGenerator) -> None:
    """Searched with the question before it, "Who runs the grid?" still wants a name, not another count."""
    history = talk(
        "How many homes lost power in Storm Halvard?", "about 95,000 — “…cutting power to about 95,000…” [1]"
    )
    question = reader.condense("Who is the grid operator?", history)
    answer = reader.answer(question, passages("storm"))
    assert lead_and_marker(answer) == ("Northline Energy", "[1]"), answer


def test_a_cause_given_as_what_something_responds_to_answers_why(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("Why did the mill close?", passages("outbreak"))
    assert "falling demand for its flour" in answer and answer.endswith("[1]")


def test_a_number_before_in_and_a_year_is_a_count_not_inches() -> None:
    sentence = next(s for s in ARTICLES["outbreak"][1].split(". ") if "population" in s)
    assert [c.text for c in find(Kind.COUNT, sentence)] == ["almost 200,000", "about 160,000"]


def test_the_lead_is_verbatim_and_a_long_sentence_is_quoted_around_it(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("How many homes lost power?", passages("storm"))
    lead, _ = lead_and_marker(answer)
    assert lead in ARTICLES["storm"][1]
    long = (
        "After a week of talks in the capital, which ran late into every night and were twice suspended, the "
        "unions and the ministry agreed a pay rise of 6 percent for 40,000 nurses, backdated to January, "
        "officials said on Friday in a statement that was read out to reporters outside the ministry."
    )
    quote = quote_around(long, "6 percent", {"pay", "rise", "nurs"})
    assert quote.startswith("…") and "6 percent" in quote
    assert all(part in long for part in quote.split("…") if part)  # verbatim between the cuts
    assert len(quote.split()) <= 32 < len(long.split())


def test_a_long_sentence_is_not_cut_inside_a_number() -> None:
    # Cut at the comma of "2,400", the quote said "over 2…", which no passage supports: the check dropped it.
    long = (
        "The Clean School Bus Program Grants Competition, a first for the agency under the president, will help "
        "these districts purchase over 2,400 clean school buses that will replace diesel buses now in service in "
        "rural and suburban districts across the country by the end of next year, officials said."
    )
    quote = quote_around(long, "Clean School Bus Program Grants Competition", {"program", "fund", "school"})
    assert "over 2…" not in quote and all(part in long for part in quote.split("…") if part)


def test_why_question_answers_with_the_sentence_that_gives_the_cause(reader: ExtractiveGenerator) -> None:
    assert analyse("Why did profits fall?").kind is Kind.CAUSE
    answer = reader.answer("Why did profits fall?", passages("deal"))
    assert "because of lower copper prices" in answer and answer.endswith("[1]")


def test_a_name_question_may_be_answered_where_only_the_passage_repeats_its_names(
    reader: ExtractiveGenerator,
) -> None:
    # The answer sentence doesn't say "Ivy League"; the passage around it does. (An age, by contrast, must be
    # said of the one named, in the sentence: see "How old is Piet Ruud?" among the refusals.)
    answer = reader.answer("Which Ivy League school announced it will eliminate student loans?", passages("loans"))
    assert answer.startswith("Dartmouth College — ") and answer.endswith("[1]"), answer


def test_which_state_is_answered_by_a_state_not_by_another_name_or_the_dateline(
    reader: ExtractiveGenerator,
) -> None:
    answer = reader.answer("Which state is investigating an arson at its largest synagogue?", passages("synagogue"))
    assert answer.startswith("Mississippi — "), answer


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("WASHINGTON – Embattled Rep. George Santos was expelled from Congress Friday.", ["George Santos", "Congress"]),
        ("London (CNN) UK health officials urged people to get vaccinated.", ["UK"]),
        ("The Union, New Jersey-based company said it may sell assets.", ["Union", "New Jersey"]),
        ("A temperature of 40.3 Celsius was recorded at Coningsby.", ["Coningsby"]),  # a unit, not a name
        ("With 10 teams yet to win, the hot seat list grew ahead of Week 3.", ["Week 3"]),  # a number alone
        # An accent written as a mark of its own after its letter stays inside the name.
        ("Nicola\u0301s Maduro made the offer, not Rau\u0301l Castro.", ["Nicola\u0301s Maduro", "Rau\u0301l Castro"]),
        ("Europe heat wave: UK temperature record broken, Red ... - USA Today", ["UK"]),  # cut off at "Red"
        ("LATEST UPDATES WEDNESDAY: Millions of Muslims marked the day at 6 a.m. ET.", ["Muslims"]),
        ("Trump-endorsed candidates joined LGBTQ-rights advocates and Vance.", ["Vance"]),
        ("A slate of Trump-endorsed Republican officials came.", ["Republican"]),
        ("The race to replace Sen. Ben Cardin, D-Md., is costly.", ["Ben Cardin"]),
        ("Senate confirms Colleen Shogan as permanent head of National ...", ["Colleen Shogan"]),
        # Initials belong to the name: "E. Jean Carroll", not "Jean Carroll"; "J.D. Vance", not "J.D" and "Vance".
        ("E. Jean Carroll and John F. Kennedy met J.D. Vance.", ["E. Jean Carroll", "John F. Kennedy", "J.D. Vance"]),
    ],
)
def test_datelines_honorifics_and_weekdays_are_not_names(sentence: str, names: list[str]) -> None:
    assert [c.text for c in find(Kind.NAME, sentence)] == names


def test_which_player_is_answered_by_a_person_not_by_an_event(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("Which NFL player says he lost 100 pounds on a water fast?", passages("fast"))
    assert answer.startswith("Russell Okung — "), answer


@pytest.mark.parametrize(
    ("article", "question", "lead"),
    [
        # The question's own names are not its answer, nor is the country of "which Japanese island".
        ("award", "Which political figure was given the John F. Kennedy Profile in Courage Award?", "Mike Pence"),
        ("volcano", "A volcano erupted on which Japanese island on Sunday?", "Kyushu"),
        ("water", "Which country used the most water last year?", "US"),  # "US" is no prefix of "used"
        # A party is what someone is, not who; a state is not a chain.
        ("primary", "Who did Maryland Democrats nominate?", "Angela Alsobrooks"),
        # A role before a name doesn't make it any less a person's; a people's adjective is not a name to repeat.
        ("honour", "Which political figure received the courage award?", "Mike Pence"),  # the person, not the office
        ("retailer", "Which home goods chain says it has substantial doubt it can stay open?", "Bed Bath & Beyond"),
    ],
)
def test_a_name_must_be_of_the_kind_asked_and_not_the_questions_own(
    reader: ExtractiveGenerator, article: str, question: str, lead: str
) -> None:
    answer = reader.answer(question, passages(article))
    assert lead_and_marker(answer) == (lead, "[1]"), answer


@pytest.mark.parametrize("question", ["What is the event called?", "What do you call a moon turned deep red?"])
def test_a_question_for_what_something_is_called_is_answered_by_what_the_article_calls_it(
    reader: ExtractiveGenerator, question: str
) -> None:
    assert analyse(question).kind is Kind.NAME
    answer = reader.answer(f"A lunar eclipse turned the moon a deep red on Tuesday. {question}", passages("eclipse"))
    assert lead_and_marker(answer) == ("blood moon", "[1]"), answer


def test_a_peoples_adjective_in_the_question_is_no_name_the_answer_must_repeat(reader: ExtractiveGenerator) -> None:
    found = passages("economist")
    found[0].similarity = 0.3  # read from the sentence itself, not from the story's most-named name
    answer = reader.answer("Which influential American economist died at the age of 100?", found)
    assert lead_and_marker(answer) == ("Alan Greenspan", "[1]"), answer


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Russell Okung", True),
        ("E. Jean Carroll", True),
        ("Former Vice President Mike Pence", True),
        ("Transportation Secretary Sean Duffy", True),
        ("Super Bowl", False),
        ("Profile in Courage Award", False),
        ("NASA", False),
        ("Advertising Standards Authority", False),
        ("UK Prime Minister", False),  # an office
        ("Aaron Judge", True),  # a surname that is also a title
        ("U.S", False),  # initials alone ("McDonald's U.S. president, Joe Erlinger")
        ("J.D. Vance", True),
    ],
)
def test_person_like_names(name: str, person: bool) -> None:
    assert looks_like_person(name) is person


def test_the_name_a_story_keeps_naming_answers_when_no_one_sentence_does(reader: ExtractiveGenerator) -> None:
    # No sentence says "blackout" or "nationwide"; the story about the question names Cuba again and again.
    question = "Which country was plunged into a nationwide blackout after its power grid failed?"
    answer = reader.answer(question, passages("grid"))
    assert lead_and_marker(answer)[0] == "Cuba", answer
    # A story the embedding model finds far from the question casts no votes: the reader refuses.
    far = passages("grid")
    far[0].similarity = 0.3
    assert reader.answer(question, far) == CANNOT_ANSWER
    # The city the story keeps naming is not the country asked for, nor is a person the tagger knows a city.
    answer = reader.answer(question, passages("havana"))
    assert lead_and_marker(answer)[0] == "Cuba", answer
    city = "Which city was plunged into a blackout after its power grid failed?"
    assert reader.answer(city, passages("governor")) == CANNOT_ANSWER


def test_a_story_the_cosine_finds_far_answers_when_its_passages_together_tell_what_happened() -> None:
    # A long article spreads its story: "blackouts" in one retrieved passage, "plunged" in another, each far from
    # the question by the embedding model's cosine. Together they hold most of what the question says happened.
    idf = {"countri": 2.3, "plung": 5.7, "nationwid": 4.6, "blackout": 6.3}  # as the RealTime QA index has them
    reader = ExtractiveGenerator(idf=lambda term: idf.get(term, 1.0))
    texts = [
        "Cuba's electric network has been failing for years, leading to frequent blackouts across the country.",
        "The systemic, electric failure plunged the country into darkness.",
    ]
    far = [
        Passage(
            n,
            f"cuba:{n}",
            "cuba",
            "Cuba's power grid fails",
            text,
            "https://news.test/cuba",
            "2026-03-04",
            "T",
            1.0,
            0.35,
        )
        for n, text in enumerate(texts, 1)
    ]
    question = "Which country was plunged into a nationwide blackout?"
    assert lead_and_marker(reader.answer(question, far)) == ("Cuba", "[1]")
    # The passage about blackouts alone doesn't tell of the country plunged into one.
    assert reader.answer(question, far[:1]) == CANNOT_ANSWER


def test_a_person_named_by_surname_is_answered_with_the_name_the_article_gives_in_full(
    reader: ExtractiveGenerator,
) -> None:
    # The answering sentence says "Musk"; the article said "Elon Musk" first. The quote stays as written.
    answer = reader.answer("Who did Dave Chappelle bring out on stage?", passages("show"))
    assert lead_and_marker(answer) == ("Elon Musk", "[1]"), answer
    assert "Chappelle brought out Musk on stage" in answer


def test_the_united_states_in_a_question_is_its_scope_not_a_name_the_answer_must_repeat(
    reader: ExtractiveGenerator,
) -> None:
    # American news seldom names its own country; the answer sentence here does not.
    answer = reader.answer("Which item was removed from school menus across the United States?", passages("menus"))
    assert answer == "Lunchables removed from school lunch menus [1]", answer
    # Another country named by the question still must be there.
    assert reader.answer("Which item was removed from school menus across Canada?", passages("menus")) == CANNOT_ANSWER


def test_a_closed_class_is_answered_by_one_of_its_members_even_in_lower_case(reader: ExtractiveGenerator) -> None:
    # "football" is no capitalised name; a sport is one of a known few.
    answer = reader.answer("Which sport did Herschel Walker play professionally?", passages("runoff"))
    assert lead_and_marker(answer) == ("football", "[1]"), answer
    # A run of members is one answer ("what metals?").
    answer = reader.answer("President Trump imposed tariffs on the imports of what metals?", passages("tariffs"))
    assert lead_and_marker(answer) == ("steel and aluminum", "[1]"), answer
    # The class's own word need not be in the sentence: "the 24-year-old Romanian" says the nationality.
    answer = reader.answer("What nationality is Radescu?", passages("transfer"))
    assert lead_and_marker(answer) == ("Romanian", "[1]"), answer
    # A sentence about the question that names no member of the class asked for does not answer it.
    assert reader.answer("Which colour did Herschel Walker wear in the runoff?", passages("runoff")) == CANNOT_ANSWER


def test_a_surname_opening_a_sentence_is_a_name_when_the_article_writes_it_as_one(
    reader: ExtractiveGenerator,
) -> None:
    # "Snook" opens the sentence, where any word is capitalised; the article's "Sarah Snook" says it is a name.
    answer = reader.answer("Who won her first Tony for best leading actress in a play?", passages("tony"))
    assert lead_and_marker(answer) == ("Sarah Snook", "[1]"), answer


def test_a_word_owning_what_follows_it_at_a_sentences_opening_is_a_name_the_article_never_writes_in_lower_case(
    reader: ExtractiveGenerator,
) -> None:
    # "Cuba's" opens every sentence that names it; "Today's" opens one too, but "today" is a word.
    answer = reader.answer("Which country has had rolling blackouts for months?", passages("blackouts"))
    assert lead_and_marker(answer) == ("Cuba", "[1]"), answer
    context = "\n".join(ARTICLES["blackouts"]) + " It happened today."
    assert [c.text for c in find(Kind.PLACE, "Today's outage is the third this year.", context)] == []


def test_a_peoples_plural_in_the_question_is_no_name_the_answer_must_repeat(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("What share of Californian teenagers drink them every week?", passages("drinks"))
    assert "20%" in answer.splitlines()[0] and answer.endswith("[1]"), answer
    answer = reader.answer("What share of Californians drink them every week?", passages("drinks"))
    assert "20%" in answer.splitlines()[0] and answer.endswith("[1]"), answer


@pytest.mark.parametrize(
    ("article", "question", "cause"),
    [
        ("burger", "Why was Burgerama pulling its Quarter Pounder?", "Amid an E. coli outbreak"),
        ("burger", "Why did Patty Palace stop selling onions?", "over concerns about their supplier"),
        ("walkout", "Why is the union striking?", "to protest the retaliation"),  # what it is done for
    ],
)
def test_a_cause_runs_past_the_full_stop_of_an_abbreviation_and_concerns_are_a_cause(
    reader: ExtractiveGenerator, article: str, question: str, cause: str
) -> None:
    answer = reader.answer(question, passages(article))
    assert cause in answer.splitlines()[0] and answer.endswith("[1]"), answer
    assert [c.text for c in find(Kind.CAUSE, "It fell because of U.S. tariffs on steel. Then it rose.")] == [
        "U.S. tariffs on steel"
    ]


@pytest.mark.parametrize(
    ("question", "sentence", "stated"),
    [
        # What the answering check asks of a first sentence is what the reader answers with (one function finds
        # both): a length for "how long was the whale?", a bare year for "what year…?", a clock time for "what
        # time…?"; a length is no span of time and a day no time of day.
        ("How long was the fin whale?", "In May, a 50-foot fin whale beached itself.", True),
        ("What year was Malcolm X assassinated?", "Malcolm X died in the 1965 assassination.", True),
        ("How long was the fin whale?", "A fin whale beached itself on Sunday.", False),
        ("How long did the rescue take?", "In May, a 50-foot fin whale beached itself.", False),
        ("What time did the crew lift off?", "The crew lifted off at 12 p.m. ET on Sunday.", True),
        ("What time did the crew lift off?", "The crew lifted off on Sunday.", False),
        ("How much does the Odysseus lander weigh?", "The Odysseus lander weighs 1,900 kilograms.", True),
        ("How much does the Odysseus lander weigh?", "The Odysseus lander is 14 feet tall.", False),
    ],
)
def test_the_answering_check_accepts_what_the_reader_answers_with(question: str, sentence: str, stated: bool) -> None:
    assert states(analyse(question), sentence) is stated
    picked = ExtractiveGenerator(idf=lambda term: 1.0).pick(analyse(question), story(sentence))
    assert (picked is not None and bool(picked.lead)) is stated, picked


def story(text: str, title: str = "A story") -> list[Passage]:
    """One retrieved passage holding ``text``."""
    return [Passage(1, "s:0", "s", title, text, "https://news.test/s", "2026-03-04", "News Test", 1.0, 0.5)]


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("Joann filed for bankruptcy for the second time in January. Its stores will close.", "in January"),
        # A fuller date is found whole, not cut after its month.
        ("Joann filed for bankruptcy for the second time on Jan. 15, 2025. Its stores will close.", "Jan. 15, 2025"),
    ],
)
def test_a_month_alone_answers_when(reader: ExtractiveGenerator, text: str, lead: str) -> None:
    answer = reader.answer("When did Joann go bankrupt for the second time?", story(text))
    assert answer.startswith(f"{lead} — "), answer


def test_a_name_in_the_question_is_no_noun_the_answer_must_stand_by(reader: ExtractiveGenerator) -> None:
    # "How long does Passover last?" asks how long, of Passover: no sentence need write "Passover" by its span.
    assert analyse("How long does Passover last?").target is None
    assert analyse("The Commons committee recommended suspending which MP?").target == "mp"  # an office
    answer = reader.answer("How long does Passover last?", passages("passover"))
    assert "seven or eight days" in answer and answer.endswith("[1]"), answer


def test_which_state_is_answered_by_a_state_though_a_longer_name_holds_it(reader: ExtractiveGenerator) -> None:
    # States and countries are a closed class: the sentence most about the question names none, and
    # "New York Republicans" names the state its people are from.
    question = "George Santos was expelled from the House after a scathing ethics report. Which state is Santos from?"
    answer = reader.answer(question, passages("expelled"))
    assert lead_and_marker(answer) == ("New York", "[1]"), answer


def test_every_form_of_an_irregular_verb_stands_for_the_others(reader: ExtractiveGenerator) -> None:
    # The stemmer keeps "said" apart from "say"; the question's verb is still the sentence's.
    assert reader.answer("What did Velora say?", passages("court")) == "Velora said it would appeal. [1]"


def test_a_share_of_something_is_a_percent_and_a_number_may_follow_its_word(reader: ExtractiveGenerator) -> None:
    # A percent's own unit says it is the share: the sentence need not say "share" or "percentage".
    for asked in ("share", "percentage"):
        answer = reader.answer(f"What {asked} of future fees goes to Dorvik?", passages("transfer"))
        # (Led by the share: "receive 15 percent" stands by "fees" across small words, as a date does.)
        assert answer == "15 percent — “Dorvik Athletic will also receive 15 percent of any future transfer fee.” [1]"
        assert analyse(f"What {asked} of future fees goes to Dorvik?").kind is Kind.PERCENT
    answer = reader.answer("What number will Radescu wear?", passages("transfer"))
    assert lead_and_marker(answer) == ("9", "[1]"), answer


def test_a_description_of_someone_is_led_by_the_person_the_passage_just_named(reader: ExtractiveGenerator) -> None:
    # The sentence says who scored by description only ("The 24-year-old Romanian"): it is the answer, led by the
    # person the passage named just before, not by the adjective.
    answer = reader.answer("Who scored 29 goals?", passages("transfer"))
    assert answer == "Emil Radescu — “The 24-year-old Romanian scored 29 league goals last season.” [1]", answer


def test_one_chief_officer_is_not_another(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("Who is Heliant's CFO?", passages("earnings"))
    assert lead_and_marker(answer) == ("Jonas Pereira", "[1]"), answer
    assert reader.answer("Who is Heliant's CEO?", passages("earnings")) == CANNOT_ANSWER


def test_a_person_named_after_an_organisation_and_a_title_is_the_name_after_the_title(
    reader: ExtractiveGenerator,
) -> None:
    answer = reader.answer("Who is Avelo's CEO?", passages("airline"))
    assert lead_and_marker(answer) == ("Andrew Levy", "[1]"), answer


def test_a_share_in_words_answers_how_much_and_pounds_alone_weigh(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("How much of its staff did Twitter lay off?", passages("twitter"))
    assert lead_and_marker(answer) == ("about half", "[1]"), answer
    # "weigh up to 150 pounds" is no sum of money.
    assert reader.answer("How much did the zoo spend on the dire wolf?", passages("twitter")) == CANNOT_ANSWER


def test_a_named_place_is_required_by_its_own_word_not_by_the_kind_of_place(reader: ExtractiveGenerator) -> None:
    # "Charlotte County" is another county: "Lee County" is told apart by "Lee".
    assert reader.answer("How many deaths were in Lee County?", passages("counties")) == CANNOT_ANSWER
    answer = reader.answer("How many deaths were in Charlotte County?", passages("counties"))
    assert lead_and_marker(answer) == ("Twenty-four", "[1]"), answer


def test_a_title_case_headline_names_only_what_its_article_writes_as_names() -> None:
    title = "US Military Claims Iranian Troops and Weapons are in Venezuela"
    article = "The US military is accusing Iran of sending weapons and Iranian troops to Venezuela, officials said."
    assert title_case(title) and not title_case("Ryan Blaney wins NASCAR Coca-Cola 600 to snap long Cup streak")
    assert [c.text for c in names_in_title(find(Kind.NAME, title), title, article)] == ["US", "Iranian", "Venezuela"]


def test_who_is_never_answered_by_a_place(reader: ExtractiveGenerator) -> None:
    assert reader.answer("Who held the rescheduled race?", passages("venue")) == CANNOT_ANSWER


def test_a_peoples_adjective_a_story_keeps_naming_is_no_answer_to_who(reader: ExtractiveGenerator) -> None:
    # No sentence says whose running mate is who; "Afro-Colombian", named again and again, tells of them, not who.
    assert reader.answer("Who is Petro's running mate?", passages("ticket")) == CANNOT_ANSWER


@pytest.mark.parametrize(
    ("question", "kind", "target"),
    [
        ("How many electric buses will Lisbrook buy?", Kind.COUNT, "buses"),
        ("Which company brought back the dire wolf?", Kind.NAME, "company"),
        ("Which king set the rules on royal titles?", Kind.PERSON, "king"),
        ("Who did Petro defeat?", Kind.PERSON, None),
        ("How long did Harris play for the Steelers?", Kind.DURATION, None),
        ("How long is his contract?", Kind.DURATION, "contract"),
    ],
)
def test_the_noun_asked_for_is_a_noun_by_the_tagger(question: str, kind: Kind, target: str | None) -> None:
    q = analyse(question)
    assert (q.kind, q.target) == (kind, target)


def test_a_word_the_index_leaves_out_is_no_focus_word() -> None:
    # BM25 keeps no "as" or "such", so they have no IDF: weighed as the rarest word, "As of this week" made any
    # sentence saying "as" look about the question.
    question = "As of this week, which item can adults buy without a prescription, such as glasses?"
    assert analyse(question).focus == ("item", "adult", "buy", "without", "prescript", "glass")


def test_take_place_is_no_word_the_answer_to_where_must_repeat(reader: ExtractiveGenerator) -> None:
    # "took place" is how the question asks for a place, not what the sentence with the place says; nor is a
    # name in the slot of a source ("said Sky News") a place, nor a person the tagger knows ("a boy called Vincent").
    assert analyse("When did the quake happen?").focus == ("quak",)
    question = "Where did the UK's first womb transplant take place?"
    assert analyse(question).focus == ("uk", "first", "womb", "transplant")
    answer = reader.answer(question, passages("transplants"))
    assert lead_and_marker(answer) == ("Oxford", "[1]"), answer


def test_a_source_is_not_where_it_happened(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("Where are up to 30 operations a year expected?", passages("operations"))
    assert answer == CANNOT_ANSWER, answer


def test_the_tagger_tells_a_place_from_the_person_asked_for(reader: ExtractiveGenerator) -> None:
    # "Los Angeles" is two capitalised words, as a name is; the tagger knows it for a place.
    question = "What is the name of the doctor who supplied Matthew Perry with ketamine?"
    assert (analyse(question).kind, analyse(question).target) == (Kind.PERSON, "doctor")
    answer = reader.answer(question, passages("perry"))
    assert lead_and_marker(answer) == ("Salvador Plasencia", "[1]"), answer


def test_two_people_named_in_full_either_side_of_and_are_two_names(reader: ExtractiveGenerator) -> None:
    sentence = "Dominic West plays the new Prince Charles and Elizabeth Debicki plays Princess Diana."
    names = ["Dominic West", "Prince Charles", "Elizabeth Debicki", "Princess Diana"]
    assert [c.text for c in find(Kind.NAME, sentence)] == names
    assert [c.text for c in find(Kind.NAME, "Doug and Pam Barry lost power.")] == ["Doug and Pam Barry"]
    answer = reader.answer("Who plays Princess Diana in The Crown?", passages("crown"))
    assert lead_and_marker(answer) == ("Elizabeth Debicki", "[1]"), answer


def test_what_caused_asks_for_a_cause(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("What caused the 70-vehicle pileup?", passages("pileup"))
    assert "blinding dust storm" in answer.splitlines()[0] and answer.endswith("[1]"), answer


def test_a_long_question_no_sentence_answers_is_answered_by_the_headline_of_its_story(
    reader: ExtractiveGenerator,
) -> None:
    # Eleven words describe the event; the story holds five of them, its headline names a company, and no sentence
    # says which company: the headline is quoted whole, with no short answer picked from it.
    question = "Which company's cloud service went down for several hours on Monday, causing a major internet outage?"
    answer = reader.answer(question, passages("aws"))
    assert answer == "Thousands report issues amid Amazon Web Services outage [1]", answer
    # A short question says too little to be sure the story is the one asked about; a story far from the
    # question by the embedding model's cosine is not it either.
    assert reader.answer("Which company's service went down?", passages("aws")) == CANNOT_ANSWER
    far = passages("aws")
    far[0].similarity = 0.3
    assert reader.answer(question, far) == CANNOT_ANSWER


def test_a_member_of_the_class_asked_or_what_a_thing_is_called_answers_whatever_the_tagger_says(
    reader: ExtractiveGenerator,
) -> None:
    # The tagger takes the invented "zorblaxian violet" for a person's name and "Christchurch" for a city.
    answer = reader.answer("What colour did Ottilie Brannigan paint the Quelmport lighthouse?", passages("lighthouse"))
    assert lead_and_marker(answer) == ("violet", "[1]"), answer
    answer = reader.answer("Which gene variant did scientists find in the family?", passages("lighthouse"))
    assert lead_and_marker(answer) == ("Christchurch", "[1]"), answer


def test_how_much_a_thing_rose_is_said_of_that_thing(reader: ExtractiveGenerator) -> None:
    # The profit rose 18 percent, in the headline and again in the text; the shares asked about, 6.
    assert (analyse("How much did Arvel shares rise?").kind, analyse("How much did Arvel shares rise?").target) == (
        Kind.AMOUNT,
        "shares",
    )
    answer = reader.answer("How much did Arvel shares rise?", passages("chipmaker"))
    assert lead_and_marker(answer) == ("6 percent", "[1]"), answer


def test_a_sentence_that_shares_only_its_headline_s_words_casts_no_vote(reader: ExtractiveGenerator) -> None:
    # Every sentence of the story shares "Brask ferry" with its headline; the one naming the captain says nothing
    # of who owns the ferry, so she is no answer to that (found in a serve check of an upload).
    assert reader.answer("Who owns the Brask ferry?", passages("upload")) == CANNOT_ANSWER
    answer = reader.answer("Who steered the ferry free?", passages("upload"))
    assert lead_and_marker(answer) == ("Lena Varga", "[1]"), answer


def test_an_age_as_news_writes_it_and_a_when_that_joins_a_clause(reader: ExtractiveGenerator) -> None:
    # "How old … when he died?" asks an age: the "when" joins a clause. "He was 89." states it, read with the
    # sentence before it, which says who.
    answer = reader.answer("How old was Cormac McCarthy when he died?", passages("author"))
    assert answer.startswith("Cormac McCarthy") and answer.endswith("has died. He was 89. [1]"), answer
    answer = reader.answer("How old is Liz Truss?", passages("tonga"))
    assert lead_and_marker(answer) == ("47", "[1]"), answer


def test_the_verb_that_ends_a_how_long_question_is_no_noun_it_needs(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("How long did the FAA ground stop last?", passages("outage"))
    assert lead_and_marker(answer) == ("about 90 minutes", "[1]"), answer
    answer = reader.answer("How high did the ash plume rise?", passages("outage"))
    assert lead_and_marker(answer) == ("20 kilometers", "[1]"), answer


def test_a_capital_is_a_city_and_an_owner_named_must_be_the_sentence_s(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("What is Tonga's capital?", passages("tonga"))
    assert lead_and_marker(answer) == ("Nuku'alofa", "[1]"), answer
    # The UK's prime minister is named; New Zealand's is not.
    assert reader.answer("Who is New Zealand's prime minister?", passages("tonga")) == CANNOT_ANSWER


def test_died_at_an_age_and_of_a_cause(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("How old was Alan Greenspan?", passages("greenspan"))
    assert lead_and_marker(answer) == ("100", "[1]"), answer
    # A cause is asked for: the sentence that gives one, not the headline that says he died.
    answer = reader.answer("What did Greenspan die of?", passages("greenspan"))
    assert "from complications of Parkinson's disease" in answer, answer


def test_a_hyphenated_people_s_adjective_is_no_short_answer_to_who(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("Who is Petro's running mate?", passages("petro"))
    assert lead_and_marker(answer)[0] != "Afro-Colombian", answer


def test_the_headline_may_answer(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("How much did the winner pay for lunch with Warren Buffett?", passages("auction"))
    assert answer.startswith("$19 million — “Someone paid $19 million") and answer.endswith("[1]"), answer


def test_each_sentence_of_an_answer_is_checked_alone_though_a_headline_has_no_full_stop(
    reader: ExtractiveGenerator,
) -> None:
    # The answerer checks a reply sentence by sentence (qa.support); a headline quoted first must not swallow the
    # sentence after it, or the two are checked as one and dropped.
    answer = reader.answer("Which actress won a ski collision trial in Utah?", passages("trial"))
    sentences = split_sentences(answer)
    assert len(sentences) > 1 and not sentences[0].rstrip(" [1]").endswith("."), answer
    assert all(re.search(r"\[\d+\]$", s) for s in sentences), sentences


def test_a_phrase_opening_the_sentence_is_not_what_someone_is() -> None:
    # "In the end, Cashman…" says when, not who he is; "The grid operator, Westmark Power" says what it is.
    said = "In the end, general manager Brian Cashman got the deal done."
    assert description(analyse("Who is Brian Cashman?"), said) == "general manager"
    assert description(analyse("Who is Brian Cashman?"), "In the end, Brian Cashman got the deal done.") == ""
    assert description(analyse("What is Westmark Power?"), "The grid operator, Westmark Power, said so.") == (
        "The grid operator"
    )


def test_who_is_name_answers_with_the_description(reader: ExtractiveGenerator) -> None:
    assert analyse("Who is Piet Ruud?").kind is Kind.DESCRIPTION
    answer = reader.answer("Who is Piet Ruud?", passages("deal"))
    assert answer.startswith("Carrow’s chairman") or answer.startswith("Carrow's chairman"), answer


@pytest.mark.parametrize(
    "question",
    [
        "What is Carrow's share price?",  # shares are mentioned, no price
        "How old is Piet Ruud?",  # an age is given, but for Ilves
        "How many employees does Velora Foods have?",  # nothing counts employees of Velora
        "How long will the ferry service stay suspended?",  # suspended, for no stated time
        "When did Velora Foods say it would appeal?",  # no date in the sentence that says so
        "Who won the 2018 World Cup?",  # nothing about it at all
    ],
)
def test_refuses_when_no_sentence_holds_an_answer_of_the_wanted_kind(
    reader: ExtractiveGenerator, question: str
) -> None:
    assert reader.answer(question, passages("deal", "storm", "court")) == CANNOT_ANSWER


def test_metadata_questions_are_answered_from_the_article_record(reader: ExtractiveGenerator) -> None:
    got = reader.answer("Who wrote the story about the Velora Foods fine?", passages("storm", "court"))
    assert got.startswith("Court Writer wrote “Judge fines Velora Foods over river spill”") and got.endswith("[2]")
    got = reader.answer("When was the Carrow Mining takeover article published?", passages("storm", "deal"))
    assert "published on 2026-03-04" in got and got.endswith("[2]")
    got = reader.answer("Which outlet published the storm story?", passages("storm"))
    assert "published by News Test" in got
    # A book's author is not the article's byline.
    assert analyse("Who wrote Hillbilly Elegy?").metadata is None


def test_an_article_without_the_field_is_no_answer(reader: ExtractiveGenerator) -> None:
    [p] = passages("court")
    p.author = ""
    assert reader.answer("Who wrote the Velora Foods story?", [p]) == CANNOT_ANSWER


@pytest.mark.parametrize(
    ("sentence", "kind", "spans"),
    [
        ("It paid $19 million and £7m, then 38 million euros.", Kind.MONEY, ["$19 million", "£7m", "38 million euros"]),
        ("Fox reaches $787.5M deal, not the $1.6B sought by 5 Marines.", Kind.MONEY, ["$787.5M", "$1.6B"]),
        ("Turnout rose 4.5 percent to 61%.", Kind.PERCENT, ["4.5 percent", "61%"]),
        ("Gusts of 120 mph hit 3 towns.", Kind.AMOUNT, ["120 mph", "3"]),
        ("In 2019 about 1,400 residents and twelve firms sued.", Kind.COUNT, ["about 1,400", "twelve"]),
        ("It reopens on Monday evening or by March 3, 2027.", Kind.DATE, ["Monday evening", "March 3, 2027"]),
        ("He signed a five-year deal, for 18 months at first.", Kind.DURATION, ["five-year", "18 months"]),
        ("The 24-year-old, aged 24 in May, scored.", Kind.AGE, ["24-year-old", "aged 24"]),
        ("Her death at age 54, his at the age of 96.", Kind.AGE, ["at age 54", "at the age of 96"]),
        # What something is called, quoted or capitalised or not; "named him" names nothing.
        ("An eclipse often called a “blood moon.” lit Lima.", Kind.NAME, ["blood moon", "Lima"]),
        ("The hornet, also known as the murder hornet, is gone.", Kind.NAME, ["murder hornet"]),
        ("President Trump named him to lead a crew called Artemis.", Kind.NAME, ["Artemis", "President Trump"]),
    ],
)
def test_candidates_are_found_whole(sentence: str, kind: Kind, spans: list[str]) -> None:
    assert [c.text for c in find(kind, sentence)] == spans


@pytest.mark.parametrize(
    ("question", "kind", "target", "names"),
    [
        ("How many goals did Radescu score last season?", Kind.COUNT, "goals", ("Radescu",)),
        ("Which club did Radescu leave?", Kind.NAME, "club", ("Radescu",)),
        ("Who is Heliant's CFO?", Kind.PERSON, "cfo", ("Heliant",)),
        ("Who is the Yankees' GM?", Kind.PERSON, "gm", ("Yankees",)),  # a general manager, not a name "Yankees GM"
        ("Who is Craig Fuller?", Kind.DESCRIPTION, None, ("Craig Fuller",)),
        ("Flights were delayed because of what at the FAA?", Kind.CAUSE, None, ("FAA",)),
        ("Many Americans pay more to heat their homes due to what?", Kind.CAUSE, None, ("Americans",)),
        ("The governor of which state signed the bill?", Kind.PLACE, "state", ()),
        ("What was Heliant's profit?", Kind.MONEY, "profit", ("Heliant",)),
        ("What did Iran sell to Venezuela?", Kind.ANY, None, ("Iran", "Venezuela")),
        ("What has Maduro offered the United States?", Kind.ANY, None, ("Maduro", "United States")),
        ("How long does Passover last?", Kind.DURATION, None, ("Passover",)),  # a name is no noun to stand by
        ("What was the previous UK temperature record?", Kind.AMOUNT, None, ("UK",)),  # a record of a measure
        # A comma before "which" opens the question when no other question word follows.
        ("As of this week, which item can US adults buy without a prescription?", Kind.NAME, "item", ("US",)),
        ("Which NFL player says he lost 100 pounds?", Kind.PERSON, "player", ("NFL",)),
        ("Which country recently loaned the US two pandas?", Kind.PLACE, "country", ("US",)),
        ("Which state's voting map was struck down?", Kind.PLACE, "state", ()),
        ("Pope Francis was hospitalized for what type of infection?", Kind.NAME, "infection", ("Francis",)),
        ("Coca-Cola discontinued which one of its products?", Kind.NAME, "products", ()),
        ("Where did the UK's first womb transplant take place?", Kind.PLACE, None, ("UK",)),
        # "the name of" a thing asks for the thing; the "who" after it opens a clause about it.
        ("What is the name of the new Gallo song?", Kind.NAME, "song", ("Gallo",)),
        ("Who is the man who shot the mayor?", Kind.PERSON, "man", ()),
        # "where" after a question word opens a clause about a place, as "who" does about a person.
        ("How many people watched the debate where Trump spoke?", Kind.COUNT, "people", ("Trump",)),
        # A past participle ends the clause: the snake is asked about, not "found"; a name is no place noun.
        ("Where was the rare snake found?", Kind.PLACE, "snake", ()),
        ("Where was Franco Harris born?", Kind.PLACE, None, ("Franco Harris",)),
        ("What caused the crash?", Kind.CAUSE, None, ()),
        ("Which of the following people did he select?", Kind.PERSON, "people", ()),
        # "funds" before "the" is the verb: the program is asked for.
        ("Which program funds the electric school buses?", Kind.NAME, "program", ()),
        ("Which home goods chain said it may not survive?", Kind.NAME, "chain", ()),
        # Initials end no sentence: "J.D. Vance" is one name.
        ("Ohio Senate candidate J.D. Vance wrote which book?", Kind.NAME, "book", ("Senate", "J.D Vance")),
        (
            "How much has Deborah James, who has died aged 40, raised for her fund?",  # a relative "who" is no question
            Kind.MONEY,
            None,
            ("Deborah James",),
        ),
    ],
)
def test_question_analysis(question: str, kind: Kind, target: str | None, names: tuple[str, ...]) -> None:
    q = analyse(question)
    assert (q.kind, q.target, q.names) == (kind, target, names)


@pytest.mark.parametrize(
    "question",
    ["How many homes lost power?", "how long is his contract?", "When will power be back?", "In what year was it?"],
)
def test_questions_that_want_a_number_or_a_time(question: str) -> None:
    assert analyse(question).kind in QUANTITY_KINDS


@pytest.mark.parametrize(
    ("question", "anchored"),
    [
        ("Which city this week elected its first female mayor?", True),
        ("A volcano erupted on which Japanese island on Sunday?", True),
        ("Which country recently loaned the US two pandas?", True),
        ("In what year was it?", False),
        ("Who is the grid operator?", False),
    ],
)
def test_questions_about_the_days_around_the_as_of_date(question: str, anchored: bool) -> None:
    assert analyse(question).anchored is anchored


@pytest.mark.parametrize("question", ["Who is the grid operator?", "Which river was polluted?", "What happened?"])
def test_questions_that_do_not(question: str) -> None:
    assert analyse(question).kind not in QUANTITY_KINDS


def test_sentences_stating_the_number_or_time_asked_for() -> None:
    assert find(Kind.DURATION, "Radescu has agreed a five-year contract.")
    assert find(Kind.DATE, "Power is back by Thursday evening.")
    assert find(Kind.MONEY, "It cost 3 billion dollars.")
    assert not find(Kind.DURATION, "The railway between Keldry and Marrow Point was suspended.")


def test_a_death_is_put_down_to_what_the_article_says_the_person_suffered(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("What did Ivo Brandt die of?", passages("obituary"))
    assert answer.startswith("He suffered an infection") and answer.endswith("[1]"), answer


def test_until_a_year_is_when_a_state_ended_not_when_an_event_happened(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("What year was Odo Ren assassinated?", passages("preacher"))
    assert not answer.startswith("until 1964") and "1965" in answer and answer.endswith("[1]"), answer


def test_a_term_in_office_is_one_date_from_year_to_year() -> None:
    sentence = "In addition to serving as governor from 1990 to 1998, Brandt served as Keld County prosecutor."
    assert [c.text for c in find(Kind.DATE, sentence)] == ["from 1990 to 1998"]
    # As a biography writes it, and not an ISO date or a record.
    sentence = "He played for the Orange from 1963-66, coached at Stanford (2005-08) and on 2023-05-01 went 1,015-441."
    assert [c.text for c in find(Kind.DATE, sentence)] == ["from 1963-66", "2005-08", "2023-05-01"]


def test_the_words_before_a_name_say_who_it_is_not_what_is_asked() -> None:
    assert analyse("Where did former New Jersey governor Brendan Byrne die?").described == ("former", "governor")
    assert analyse("When did Musk buy Twitter?").described == ()
    assert analyse("When did Ada Walsh sue Corvel?").described == ()  # the tagger takes "sue" for a noun


def test_how_long_something_lasted_may_be_a_span_of_years(reader: ExtractiveGenerator) -> None:
    assert [c.text for c in find(Kind.DURATION, ARTICLES["pollution"][1])] == ["between 2019 and 2023"]
    answer = reader.answer("How long did the pollution last?", passages("pollution", "striker"))
    assert "between 2019 and 2023" in answer, answer


def test_a_further_sentence_comes_from_no_other_story(reader: ExtractiveGenerator) -> None:
    # "last season" shares a word with the question; the striker's story is not about the pollution.
    answer = reader.answer("How long did the pollution last?", passages("lasted", "striker"))
    assert "four years" in answer and "[2]" not in answer, answer


def test_how_fast_is_said_by_the_unit_not_the_adjective() -> None:
    # "fast" weighs most here, as it did over the short-dev articles, and no sentence says it: the unit does.
    reader = ExtractiveGenerator(idf=lambda term: 3.0 if term == "fast" else 1.0)
    answer = reader.answer("How fast were the winds?", passages("storm"))
    assert lead_and_marker(answer) == ("up to 150 kilometres per hour", "[1]"), answer


def test_what_happened_asks_for_the_event_in_whatever_words(reader: ExtractiveGenerator) -> None:
    assert analyse("What happened in Brask?").kind is Kind.ANY
    answer = reader.answer("What happened in Brask?", passages("storm"))
    assert answer.startswith("Three people were killed when a wall collapsed in the town of Brask."), answer


def test_a_question_about_a_name_alone_is_answered_by_a_sentence_that_names_it_or_points_back_to_it(
    reader: ExtractiveGenerator,
) -> None:
    # "the 86-year-old" right after a sentence about Pask is Pask, not the winner the story is about (short-dev's
    # "How old is Radescu?" is answered by "The 24-year-old Romanian…" right after the sentence naming him).
    assert reader.answer("How old is Ryan Vale?", passages("owner")) == CANNOT_ANSWER
    # The Tarn River is where the company polluted, not where Fenmoor is; the sentence naming Fenmoor doesn't say.
    assert "Tarn River —" not in reader.answer("Where is Fenmoor?", passages("plant"))


def test_a_word_asked_for_is_of_the_year_and_the_owner_asked(reader: ExtractiveGenerator) -> None:
    # "its" is the name just before it; 2021 is not 2022.
    # (The table of leads has "vax" for 2021 and "gaslighting" for Merriam-Webster's.)
    goblin = reader.answer("What was Oxford's word of the year for 2022?", passages("words"))
    assert "goblin mode" in goblin.split("\n")[0] and "vax" not in goblin and "gaslighting" not in goblin, goblin


@pytest.mark.parametrize(
    ("question", "text", "first"),
    [
        # "What rocket…?" asks which thing of a kind: "the first American moon launch" names none.
        (
            "What rocket launched the Odysseus moon lander?",
            "The Odysseus launch was the first American moon launch in decades. The Odysseus lander reached orbit "
            "aboard the SpaceX Falcon 9.",
            "The Odysseus lander reached orbit aboard the SpaceX Falcon 9. [1]",
        ),
        # Where the question's noun is what it asks about, a people's adjective may start the answer.
        (
            "What is Runa's energy drink made from?",
            "Runa's energy drink is made from Amazonian guayusa leaves.",
            "Runa's energy drink is made from Amazonian guayusa leaves. [1]",
        ),
    ],
)
def test_a_peoples_adjective_names_no_thing_of_the_kind_asked(
    reader: ExtractiveGenerator, question: str, text: str, first: str
) -> None:
    assert reader.answer(question, story(text)).splitlines()[0] == first


def test_a_count_for_a_place_is_stated_with_the_place(reader: ExtractiveGenerator) -> None:
    # The headline names the state, and most of the story counts the whole chain: the count for the state is
    # the one whose sentence names it.
    passages_ = story(
        "Joann asked the court to let it close about 500 stores across the nation, and about 500 stores will "
        "close by spring. Joann said 500 stores would close. There are currently three stores in Mississippi.",
        title="Joann closing stores in Mississippi",
    )
    answer = reader.answer("How many Joann stores are there in Mississippi?", passages_)
    assert answer.startswith("three — "), answer
    # Without the place, the chain's count is the answer.
    assert reader.answer("How many Joann stores will close?", passages_).startswith("about 500 — ")


@pytest.mark.parametrize(
    "sentence",
    [
        "The Peregrine mission drew scrutiny from the Navajo Nation, whose members objected to the remains it carried.",
        "The Navajo Nation complained about the remains the Peregrine mission carried.",
    ],
)
def test_what_people_object_to_answers_why_they_are_upset(reader: ExtractiveGenerator, sentence: str) -> None:
    answer = reader.answer("Why is the Navajo Nation upset about the Peregrine mission?", story(sentence))
    assert answer == f"{sentence} [1]", answer


@pytest.mark.parametrize(
    ("before", "answered"),
    [
        # The sentence before names the measure; "the proposed law" points back to it.
        ("Montana's LR-131 would have defined an infant born alive.", True),
        # Named nowhere near: the law the sentence speaks of may be another.
        ("Voters in Montana went to the polls on Tuesday.", False),
    ],
)
def test_a_name_pointed_back_to_by_what_it_is_counts_as_named(
    reader: ExtractiveGenerator, before: str, answered: bool
) -> None:
    text = f"{before} A doctor who violated the proposed law could have faced up to 20 years in state prison."
    answer = reader.answer("How long could Montana doctors get in prison under LR-131?", story(text))
    assert ("20 years" in answer) is answered, answer
    assert (answer == CANNOT_ANSWER) is not answered


@pytest.mark.parametrize(
    ("text", "answered"),
    [
        # The initials the question uses, spelled out by the sentence before, which "the department" points to.
        (
            "The U.S. Department of Agriculture will build a fly facility in Texas. The department will spend up "
            "to $750 million on the facility.",
            True,
        ),
        # Spelled out in the sentence itself.
        ("The U.S. Department of Agriculture will spend up to $750 million on the fly facility.", True),
        # Another department: its initials are not the question's.
        (
            "The U.S. Department of Energy will build a fly facility in Texas. The department will spend up to "
            "$750 million on the facility.",
            False,
        ),
    ],
)
def test_initials_count_as_the_name_they_abbreviate(reader: ExtractiveGenerator, text: str, answered: bool) -> None:
    answer = reader.answer("How much will the USDA spend on the fly facility?", story(text))
    assert ("$750 million" in answer) is answered, answer
    assert (answer == CANNOT_ANSWER) is not answered


@pytest.mark.parametrize(
    ("question", "text", "lead"),
    [
        ("How much does the Odysseus lander weigh?", "The Odysseus lander weighs 1,900 kilograms.", "1,900 kilograms"),
        ("How heavy is the Odysseus lander?", "The Odysseus lander is heavy: 1,900 kilograms.", "1,900 kilograms"),
        # A measure of another kind, or a bare number, says nothing of its weight.
        ("How much does the Odysseus lander weigh?", "The 14-foot-tall Odysseus lander flew 48 miles.", None),
        ("How fast was the Odysseus lander going?", "The 14-foot-tall Odysseus lander went 4,000 miles.", None),
        # One table of units: "km/h" is a speed, not "120 km" of length; "square miles" an area, not a length.
        ("How fast were the Brask winds?", "The Brask winds reached 120 km/h on Monday.", "120 km/h"),
        ("How far did the Brask storm travel?", "The Brask storm scorched 300 square miles.", None),
        ("How far did the Brask storm travel?", "The Brask storm travelled 1 mile inland.", "1 mile"),
    ],
)
def test_a_measure_asked_by_its_kind_is_answered_in_a_unit_of_that_kind(
    reader: ExtractiveGenerator, question: str, text: str, lead: str | None
) -> None:
    answer = reader.answer(question, story(text))
    if lead is None:
        assert answer == CANNOT_ANSWER
    else:
        assert answer.startswith(f"{lead} — "), answer


@pytest.mark.parametrize(
    ("question", "text", "count"),
    [
        # A people named after a place is named by the place: the sentence says "in Michigan", not "Michiganders".
        (
            "How many Michiganders were referred for coronavirus testing?",
            "In Michigan, 357 people have been referred for testing or monitoring to date.",
            "357",
        ),
        ("How many Texans lost power?", "Some 4.5 million homes in Texas lost power on Monday.", "4.5 million"),
        # And the question's own word still does.
        ("How many Texans lost power?", "Some 4.5 million Texans lost power on Monday.", "4.5 million"),
        # Another state's count is not theirs.
        ("How many Texans lost power?", "Some 4.5 million homes in Oklahoma lost power on Monday.", None),
    ],
)
def test_a_people_named_after_a_place_is_named_by_the_place(
    reader: ExtractiveGenerator, question: str, text: str, count: str | None
) -> None:
    answer = reader.answer(question, story(text))
    if count is None:
        assert answer == CANNOT_ANSWER, answer
    else:
        assert count in answer and answer.endswith("[1]"), answer


def test_the_place_a_people_is_named_after() -> None:
    assert [place_of_people(w) for w in ("Michiganders", "Texans", "Ohioans", "Omani", "Floridians")] == [
        "michigan",
        "texas",
        "ohio",
        "oman",
        "florida",
    ]
    # A place itself, or a name that merely begins like one, is no people.
    assert [place_of_people(w) for w in ("Michigan", "Indiana", "Chadwick", "Jordan")] == [None] * 4


def test_a_weekday_answer_says_the_date_it_means(reader: ExtractiveGenerator) -> None:
    # The story is of Wednesday, March 4, 2026: "died Monday" is March 2. A weekday read a week later says nothing.
    answer = reader.answer("When did Arno Vesk die?", passages("vesk"))
    assert answer.startswith("Monday (March 2, 2026) — "), answer
    assert len(split_sentences(answer)) == 1  # the date ends no sentence: the answer is checked as one
    # A present tense doesn't say which Tuesday: the weekday stands alone, as the article wrote it.
    answer = reader.answer("When does Ida Roon leave office?", passages("vesk"))
    assert lead_and_marker(answer) == ("Tuesday", "[1]"), answer


@pytest.mark.parametrize(
    ("question", "text", "named"),
    [
        ("Who is France's prime minister?", "French Prime Minister Gabriel Attal spoke on Monday.", True),
        ("Who is France's prime minister?", "Prime Minister Anthony Albanese spoke in Canberra.", False),
        ("How much will the USDA spend?", "The U.S. Department of Agriculture will spend $750 million.", True),
        ("Who is Starbucks' creative director?", "Pharrell Williams is Louis Vuitton's creative director.", False),
        ("Who leads the company?", "Mara Ilves leads it.", True),  # the question names no one
    ],
)
def test_a_passage_names_whom_the_question_names_by_name_people_or_initials(
    question: str, text: str, named: bool
) -> None:
    q = analyse(question)
    assert passage_names(q, story(text)[0], required_names(q)) is named


QUAKE = (
    "A magnitude 6.4 earthquake struck northern Talvia early on Sunday, killing at least 12 people and injuring more "
    "than 300, the country's interior ministry said. Schools in the province will stay closed until Wednesday."
)


def small_index_idf(present: set[str]) -> ExtractiveGenerator:
    """A reader weighing words as BM25 does over an index of a few articles: a word none holds weighs most."""
    return ExtractiveGenerator(idf=lambda term: 1.67 if term in present else 2.77)


def test_how_strong_and_where_it_hit_are_said_in_an_earthquakes_own_words() -> None:
    reader = small_index_idf({"earthquak", "quak", "struck", "magnitud", "school"})
    answer = reader.answer("How strong was the earthquake?", story(QUAKE))
    assert lead_and_marker(answer) == ("magnitude 6.4", "[1]"), answer
    answer = reader.answer("Where did the earthquake hit?", story(QUAKE))
    assert lead_and_marker(answer) == ("Talvia", "[1]"), answer


def test_the_part_a_sentence_counts_answers_how_many_not_the_whole(reader: ExtractiveGenerator) -> None:
    text = "Orrin's public library will close three of its eleven branches in January, the committee decided."
    answer = reader.answer("How many branches will the library close?", story(text))
    assert lead_and_marker(answer) == ("three", "[1]"), answer
    answer = reader.answer("How many branches does the library have?", story(text))
    assert lead_and_marker(answer) == ("eleven", "[1]"), answer
    # "One of the 17" is what the sentence is about, one of them all: 17 still counts them.
    answer = reader.answer("How many amendments were made?", story("It is one of the 17 amendments made."))
    assert lead_and_marker(answer) == ("17", "[1]"), answer


def test_which_plural_is_answered_by_every_name_the_sentence_lists(reader: ExtractiveGenerator) -> None:
    text = "The branches at Millbank, Crossway and Eastgate will shut on January 15."
    answer = reader.answer("Which branches will shut?", story(text))
    assert lead_and_marker(answer) == ("Millbank, Crossway and Eastgate", "[1]"), answer
    answer = reader.answer("Which branch will shut first?", story(text))
    assert lead_and_marker(answer) == ("Millbank", "[1]"), answer  # one asked, one given
    # An apposition is no list: "Millbank, the oldest" names one branch.
    answer = reader.answer("Which branches will shut?", story("The branch at Millbank, the oldest, will shut."))
    assert lead_and_marker(answer) == ("Millbank", "[1]"), answer


def test_what_closes_may_be_said_to_shut(reader: ExtractiveGenerator) -> None:
    text = "The branches at Millbank, Crossway and Eastgate will shut on January 15."
    title = "Orrin library to close three branches"
    # The headline, holding "close", was added as a second sentence: it says nothing of which branches.
    answer = reader.answer("Which branches are closing?", story(text, title))
    assert answer == f"Millbank, Crossway and Eastgate — “{text}” [1]", answer


def test_a_yes_no_question_is_answered_by_the_sentence_that_says_it_alone(reader: ExtractiveGenerator) -> None:
    tolls = "Tolls will stay at 1.50 pounds for cars, and cyclists will cross free of charge."
    # A toll is paid ("pay" had only "cost": the repairs' 54 million pounds), and the headline already says
    # "bridge": no second sentence is needed for it.
    answer = reader.answer("Do cyclists pay to cross the bridge?", story(f"{BRIDGE} {tolls}", BRIDGE_TITLE))
    assert answer == f"{tolls} [1]", answer


def test_the_hurt_the_boss_and_what_comes_out_are_said_otherwise(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("How many were hurt in the earthquake?", story(QUAKE))
    assert lead_and_marker(answer) == ("more than 300", "[1]"), answer
    text = "Chief executive Hanna Lind said Veldt would still launch its new Arden hatchback in 2027."
    assert lead_and_marker(reader.answer("Who is Veldt's boss?", story(text))) == ("Hanna Lind", "[1]")
    assert reader.answer("When will the Arden come out?", story(text)) == f"{text} [1]"


def test_how_someone_reacted_is_what_they_said_or_did_not_what_another_said(reader: ExtractiveGenerator) -> None:
    text = (
        "About 18 staff will lose their jobs, the library's director, Colin Barr, said. "
        "Residents collected 9,000 signatures in a petition against the closures."
    )
    assert reader.answer("How did residents react?", story(text)) == (
        "Residents collected 9,000 signatures in a petition against the closures. [1]"
    )
    history = talk("Which branches are closing?", "Millbank — “The branches at Millbank…” [1]")
    question = reader.condense("How did residents react?", history)
    assert reader.answer(question, story(text)).startswith("Residents collected"), question


def test_a_story_that_never_speaks_of_what_is_asked_about_does_not_answer(reader: ExtractiveGenerator) -> None:
    bridge = story(BRIDGE, BRIDGE_TITLE)[0]
    quake = Passage(2, "q:0", "q", "Earthquake shakes northern Talvia", QUAKE, "", "2026-03-01", "News Test", 0.9, 0.5)
    # The bridge "reopened… on Monday": not when the schools, which only the quake story speaks of, reopen.
    answer = reader.answer("When will schools reopen?", [bridge, quake])
    assert "[1]" not in answer, answer
    assert lead_and_marker(reader.answer("When did the bridge reopen?", [bridge, quake]))[1] == "[1]"


@pytest.mark.parametrize(
    ("question", "text", "lead"),
    [
        ("Who coaches Harbourton Rovers?", "“We've waited 22 years,” Rovers manager Greta Holm said.", "Greta Holm"),
        ("How big was the crowd?", "Rovers won 3-1 in front of 18,400 fans at Quayside Park.", "18,400"),
        ("Who did Whitcombe beat?", "Ana Whitcombe won, defeating Gerald Fink by 412 votes.", "Gerald Fink"),
        (
            "When does the new mayor take office?",
            "Whitcombe was elected mayor on Tuesday. Whitcombe will be sworn in on Jan. 5.",
            "Jan. 5",
        ),
    ],
)
def test_sport_and_politics_in_the_words_they_are_reported_in(question: str, text: str, lead: str) -> None:
    # Weighed as over a few articles, where the question's own word ("coach", "crowd", "beat", "office"),
    # which no article holds, weighs most.
    reader = small_index_idf({"rover", "harbourton", "manag", "fan", "whitcomb", "defeat", "mayor", "sworn"})
    answer = reader.answer(question, story(text, "A story"))
    assert lead_and_marker(answer) == (lead, "[1]"), answer


def test_a_toll_asked_is_the_toll_the_sentence_counts(reader: ExtractiveGenerator) -> None:
    # "People" stand next to any number; deaths, injuries, rescues are counted side by side in the news.
    killed = story("Two people were killed when a tree fell on their car near the village of Ossery.")
    assert reader.answer("How many people were injured?", killed) == CANNOT_ANSWER
    assert lead_and_marker(reader.answer("How many people were killed?", killed)) == ("Two", "[1]")
    assert lead_and_marker(reader.answer("How many people died?", killed)) == ("Two", "[1]")
    serious = story("Most were released, though four people remained in serious condition on Tuesday.")
    assert reader.answer("How many people died?", serious) == CANNOT_ANSWER
    # Other counts of people are not held to a toll: residents live somewhere.
    nome = story("Officials in the Nome area, with about 10,000 residents, have urged people to prepare.")
    # (And residents are the people counted: the count leads.)
    assert lead_and_marker(reader.answer("How many people live in Nome?", nome)) == ("about 10,000", "[1]")


def test_a_word_stemmed_like_the_noun_counted_is_not_it(reader: ExtractiveGenerator) -> None:
    text = "The lawsuit was brought by 1,400 residents and the fishing cooperative of the town of Wyle."
    assert reader.answer("How many fish died?", story(text)) == CANNOT_ANSWER
    training = story("Basic training lasts 10 weeks at Fort Jackson.")  # a noun asked in "-ing" is itself
    assert lead_and_marker(reader.answer("How long is the basic training?", training)) == ("10 weeks", "[1]")


SEMI = (
    "Striker Tomas Brennick scored twice for Rovers, heading in the opener in the 12th minute. "
    "Kelvale finished the match with 10 men. Brennick, 24, has now scored nine goals in the competition."
)


def test_who_scored_is_the_player_not_his_position(reader: ExtractiveGenerator) -> None:
    answer = reader.answer("Who scored twice for Rovers?", story(SEMI))
    assert lead_and_marker(answer) == ("Tomas Brennick", "[1]"), answer


def test_a_player_named_in_full_is_then_named_by_surname() -> None:
    # In a few articles, "Tomas" (said once) weighs more than "Brennick": the sentence saying his age names only
    # the surname, as news does after the first mention.
    reader = small_index_idf({"brennick", "score", "twice", "rover", "kelval", "match"})
    history = talk("Who scored twice for Rovers?", "Tomas Brennick — “Striker Tomas Brennick scored twice…” [1]")
    question = reader.condense("How old is he?", history)
    assert "Tomas Brennick" in question, question
    first, rest = SEMI.split(". ", 1)
    chunks = [replace(story(first)[0]), replace(story(rest)[0], n=2, chunk_id="s:1")]  # two passages of it
    answer = reader.answer(question, chunks)
    assert lead_and_marker(answer) == ("24", "[2]"), answer


def test_a_toll_asked_in_a_follow_up_is_its_own_not_the_conversations(reader: ExtractiveGenerator) -> None:
    text = "Two people died after Storm Petra hit the valley. Storm Petra forced crews to rescue around 240 residents."
    history = talk("How many people died in Storm Petra?", "Two — “Two people died after Storm Petra…” [1]")
    answer = reader.answer(reader.condense("How many people had to be rescued?", history), story(text))
    assert lead_and_marker(answer) == ("around 240", "[1]"), answer


def test_what_caused_something_is_what_the_article_says_caused_it(reader: ExtractiveGenerator) -> None:
    text = (
        "Payments app Tillo restored service on Wednesday evening after an outage lasting nine hours. "
        "Raghavan said the outage was caused by a faulty software update, not by a cyberattack."
    )
    answer = reader.answer("What caused the Tillo outage?", story(text, "Payments app Tillo back online after outage"))
    assert answer.startswith("Raghavan said the outage was caused by"), answer


def test_any_and_some_say_nothing_a_sentence_must_share(reader: ExtractiveGenerator) -> None:
    text = "Tillo said it would refund any fees charged for failed payments. Raghavan said no customer data was lost."
    answer = reader.answer("Was any data stolen?", story(text))
    assert answer == "Raghavan said no customer data was lost. [1]", answer  # not the refund, for its "any fees"


def test_bills_and_electricity_in_the_words_they_are_reported_in() -> None:
    reader = small_index_idf({"resid", "legal", "cost", "suppli", "restor"})
    text = "The council must pay the residents' legal costs, estimated at 210,000 euros."
    assert reader.answer("How much are the residents' lawyer bills?", story(text)) == f"210,000 euros — “{text}” [1]"
    text = "Valeline Energy said most supply should be restored by Monday."
    answer = reader.answer("When will the electricity be back on?", story(text))
    assert lead_and_marker(answer) == ("Monday (March 2, 2026)", "[1]"), answer


def test_how_much_money_asks_for_a_sum_not_for_the_word(reader: ExtractiveGenerator) -> None:
    assert analyse("How much money will each Tillo customer get back?").kind is Kind.MONEY
    text = (
        "The outage left millions of customers unable to pay in shops. "
        "Tillo said it would pay 10 dollars in compensation to each affected customer."
    )
    answer = reader.answer("How much money will each Tillo customer get?", story(text))
    # Not "millions" (of customers).
    assert answer.startswith("10 dollars — “Tillo said it would pay 10 dollars"), answer


def test_who_paid_is_who_funded_and_a_hack_is_a_cyberattack(reader: ExtractiveGenerator) -> None:
    funded = "The study was funded by the Saltmarsh Health Foundation, a charity."
    text = f"Dr. Felix Amankwah, who was not involved in the walking study, said it was too short. {funded}"
    answer = reader.answer("Who paid for the walking study?", story(text))
    assert answer.startswith(funded), answer  # not the doctor who spoke of the study
    text = "Raghavan said the outage was caused by a faulty software update, not by a cyberattack."
    assert reader.answer("Was Tillo hacked?", story(text, "Tillo back online after outage")) == f"{text} [1]"


def test_why_a_court_stopped_something_is_what_it_ruled(reader: ExtractiveGenerator) -> None:
    ruling = (
        "A regional court on Monday blocked plans to expand the Greyfield landfill, ruling that the county council had "
        "failed to assess the risk to drinking water."
    )
    assert [c.text for c in find(Kind.CAUSE, ruling)] == [
        "the county council had failed to assess the risk to drinking water"
    ]
    assert "block" in alternatives("stop")  # what a court stops, it blocks
    other = "Bernard Quayle said the landfill was needed because space is expected to run out by 2029."
    answer = reader.answer("Why did the court stop the landfill?", story(f"{ruling} {other}"))
    assert answer == f"{ruling} [1]", answer


def test_who_won_a_race_is_who_was_elected_not_whom_a_headline_ousts(reader: ExtractiveGenerator) -> None:
    text = "Independent candidate Ana Whitcombe was elected mayor of Eastbrook on Tuesday, defeating Gerald Fink."
    answer = reader.answer("Who won the Eastbrook mayor race?", story(text, "Whitcombe ousts Eastbrook mayor Fink"))
    assert lead_and_marker(answer) == ("Ana Whitcombe", "[1]"), answer


def test_a_delay_is_said_as_late() -> None:
    reader = small_index_idf({"kick", "late", "power", "semi", "final"})
    text = "The semi-final kicked off 40 minutes late because a power failure knocked out the floodlights."
    assert reader.answer("Why was the kickoff delayed?", story(text)) == f"{text} [1]"


def test_when_a_named_thing_happened_is_said_past_its_name(reader: ExtractiveGenerator) -> None:
    # "was June 3-8" says when the festival was, though its name stands between the year and the verb.
    answer = reader.answer(
        "When was the Kestrel Festival in 2025?", story("In 2025, the Kestrel Festival was June 3-8.")
    )
    assert lead_and_marker(answer) == ("June 3", "[1]"), answer


def test_everyday_words_for_what_news_names_otherwise(reader: ExtractiveGenerator) -> None:
    small = small_index_idf({"festiv", "act", "stage", "train", "km", "vehicl", "stolen", "pound"})
    text = "The three-day festival featured 140 acts on seven stages."
    assert lead_and_marker(small.answer("How many bands played at the festival?", story(text))) == ("140", "[1]")
    text = "The train hit the vehicle at roughly 90 km/h."
    assert lead_and_marker(small.answer("How fast was the train going?", story(text))) == ("roughly 90 km/h", "[1]")
    text = "Watches and rings worth about 280,000 pounds were stolen."
    assert small.answer("How much stuff was stolen?", story(text)).startswith("about 280,000 pounds — ")


def test_due_to_a_cause_is_not_due_to_end(reader: ExtractiveGenerator) -> None:
    assert find(Kind.CAUSE, "The walkout is set to last two weeks and is due to end on November 21.") == []
    assert [c.text for c in find(Kind.CAUSE, "The match was postponed due to heavy rain.")] == ["heavy rain"]
    text = (
        "Classes were cancelled on Monday after lecturers walked out over pay and workloads. "
        "The walkout is due to end on November 21."
    )
    answer = reader.answer("Why are the lecturers on strike?", story(text))
    assert answer.startswith("Classes were cancelled"), answer


def test_what_spilled_is_what_leaked() -> None:
    reader = small_index_idf({"river", "tarrow", "leak", "diesel", "fish"})
    text = "Around 300 fish have died after 12,000 litres of diesel leaked into the Tarrow River."
    assert reader.answer("What spilled into the Tarrow River?", story(text)) == f"{text} [1]"


@pytest.mark.parametrize(
    "question",
    ["Who runs the reserve bank?", "who's in charge of the reserve bank in Halvern?", "Who is the head of the bank?"],
)
def test_who_runs_something_is_the_person_given_its_top_office(reader: ExtractiveGenerator, question: str) -> None:
    """Not the question's verb (no sentence says "runs"), not the chief economist of another firm, nor the bank."""
    q = analyse(question)
    assert q.heads and "run" not in q.focus
    answer = reader.answer(question, passages("crossing", "bank"))
    assert lead_and_marker(answer) == ("Elena Marsk", "[2]"), answer


def test_who_runs_something_no_one_is_said_to_head_is_not_answered(reader: ExtractiveGenerator) -> None:
    assert not analyse("Who led the rescue?").heads  # who did something, not who heads something
    # The fire chief heads the fire service, not the railway; the story names no one over the railway.
    assert reader.answer("Who runs the railway?", passages("crossing", "bank")) == CANNOT_ANSWER
    assert lead_and_marker(reader.answer("Who runs the fire service?", passages("crossing")))[0] == "Anita Roscoe"


@pytest.mark.parametrize(
    ("sentence", "name", "whose"),
    [
        ("The group's chair, retired teacher Margaret Olsen, said outside court.", "Margaret Olsen", "group"),
        ("Vice-Chancellor Robert Teague said the university could not afford it.", "Robert Teague", ""),
        ('"Back then," said festival director Owen Pritchard, 63.', "Owen Pritchard", "festival"),
        ("Owen Pritchard, the festival's director, said.", "Owen Pritchard", "festival"),
        ("Managing director Colin Ashby said the company would pay.", "Colin Ashby", ""),
        ("Jane Roe, who runs the bakery, said.", "Jane Roe", ""),
        ("Marisol Quenby-Hart now runs the Fenwick Point lighthouse.", "Marisol Quenby-Hart", ""),
        ("Tomas Brell, chief economist at Calloway Capital, said so.", "Tomas Brell", None),
        ("Vice President Kamala Harris said so.", "Kamala Harris", None),
        ("Striker Tomas Brennick scored twice.", "Tomas Brennick", None),
    ],
)
def test_the_office_a_sentence_gives_a_person(sentence: str, name: str, whose: str | None) -> None:
    start = sentence.index(name)
    assert office_of(sentence, start, start + len(name)) == whose


@pytest.mark.parametrize(
    ("question", "verb"),
    [
        ("How long is the Brackmoor uni strike going on for?", "go"),
        ("How long did the robbery take?", "take"),
        ("How long will the walkout run?", "run"),
    ],
)
def test_how_long_asks_how_long_it_lasts_whatever_the_verb(question: str, verb: str) -> None:
    """News writes "set to last two weeks", "lasted less than 90 seconds": the question's verb is no word a
    sentence must share (over a few articles, a missing "going" outweighed the rest of the question)."""
    focus = analyse(question).focus
    assert "last" in focus and verb not in focus


@pytest.mark.parametrize(
    ("article", "question", "opening"),
    [
        ("walking", "What did the new study on walking after meals find?", "A 15-minute walk after each meal lowered"),
        ("rates", "Why did the reserve bank raise its rate?", "The Reserve Bank of Halvern raised its lending rate"),
    ],
)
def test_what_happened_and_why_are_told_by_the_story_not_its_headline(
    reader: ExtractiveGenerator, article: str, question: str, opening: str
) -> None:
    """The headline is the gist ("…amid stubborn inflation"); the story's sentence says what, of whom, by how much
    and why ("…after consumer prices rose faster than expected in October")."""
    answer = reader.answer(question, passages(article))
    assert answer.startswith(opening), answer


def test_a_count_of_another_toll_is_not_the_toll_asked(reader: ExtractiveGenerator) -> None:
    """ "31 injured" counts the injured: it does not answer how many died, though it stands nearer "killed"."""
    text = "Two people were killed and 31 injured on Thursday when a commuter train struck a lorry."
    answer = reader.answer("How many died?", story(text))
    assert lead_and_marker(answer)[0] in ("", "Two") and "Two people were killed" in answer, answer


def test_how_much_robbers_took_is_money_and_a_score_is_still_said_without_a_tally(reader: ExtractiveGenerator) -> None:
    assert analyse("How much did they take?").kind is Kind.MONEY
    # Not where no tally is written: "with a score of 701 points" still says it.
    rating = "A survey puts Newark Airport last among large airports, with a score of 701 points out of 1,000."
    assert "701 points" in reader.answer("What was Newark Airport's score?", story(rating, "Airport survey"))


def test_a_change_by_a_share_answers_how_much_it_changed(reader: ExtractiveGenerator) -> None:
    """Not "15" from "A 15-minute walk": how much it was cut is "by nearly a third"."""
    answer = reader.answer("How much did walking cut blood sugar spikes?", passages("walking"))
    assert lead_and_marker(answer) == ("nearly a third", "[1]"), answer


def test_right_now_says_when_not_what() -> None:
    assert "right" not in analyse("How high is inflation right now?").focus
    assert "right" in analyse("Which right did the court uphold?").focus


@pytest.mark.parametrize(
    ("title", "text", "question", "lead", "marker"),
    [
        pytest.param(
            "Three arrested after jewellery raid",
            "Police have arrested three men over a raid on a jewellery store in Farlow in which watches and rings "
            "worth about 280,000 pounds were stolen, officers said on Monday.",
            "How much did they take in the raid?",
            "about 280,000 pounds",
            "[1]",
            id="what_robbers_took_is_the_sum_stolen",
        ),
        pytest.param(
            "Rovers reach the final",
            "Harbourton Rovers reached the final on Saturday, beating Kelvale City 3-1 in front of 18,400 fans. "
            "Striker Tomas Brennick scored twice for Rovers.",
            "What was the score in the Rovers v Kelvale game?",
            "3-1",
            "[1]",
            id="a_match_s_score_is_its_tally",
        ),
        pytest.param(
            "Whitcombe wins Eastbrook",
            "Whitcombe received 6,118 votes, or 49.2 percent, according to official results. Turnout was 58 percent, "
            "up from 44 percent at the last election.",
            "What percentage of people voted in Eastbrook?",
            "58 percent",
            None,
            id="the_share_of_people_who_voted_is_the_turnout",
        ),
        pytest.param(
            "Lecturers begin strike",
            "Classes at Brackmoor University were cancelled for about 14,000 students on Monday after lecturers "
            "walked out over pay. Liam Corder, a second-year student, said he worried about missing lab work.",
            # "lost" is the verb, not a noun the story must speak of.
            "How many students have lost classes?",
            "about 14,000",
            "[1]",
            id="a_verb_after_have_is_no_subject_the_story_must_name",
        ),
    ],
)
def test_one_story_leads_with_the_short_answer(
    reader: ExtractiveGenerator, title: str, text: str, question: str, lead: str, marker: str | None
) -> None:
    answer = reader.answer(question, story(text, title))
    got_lead, got_marker = lead_and_marker(answer)
    assert got_lead == lead and (marker is None or got_marker == marker), answer


@pytest.mark.parametrize(
    ("text", "question", "said", "rare"),
    [
        # Said: the sentence that says it, though in its own words ("going to" and "anyone" say how, not what).
        (
            "Fink conceded shortly after midnight, saying he would not seek a recount. Turnout was 41 percent.",
            "Is Fink going to ask for a recount?",
            "he would not seek a recount",
            set(),
        ),
        (
            "The three have been charged with robbery and are due to appear in court on Wednesday. No one was "
            "seriously injured, but a shop assistant was treated for a cut to her hand.",
            "Was anyone hurt in the robbery?",
            "No one was seriously injured",
            {"hurt"},
        ),
        # Not said: a sentence about something else the question names is no yes or no, nor one about another type.
        (
            "Around 300 fish have died after diesel leaked into the Tarrow River. Anglers were told to stay away.",
            "Have any birds died in the river?",
            None,
            {"bird"},  # rarer in news than dying
        ),
        (
            "A walk after each meal lowered blood sugar spikes in adults with type 2 diabetes, a study found.",
            "Does walking after meals help people with type 1 diabetes?",
            None,
            set(),
        ),
    ],
)
def test_a_yes_no_question_is_answered_by_the_sentence_that_says_it_or_refused(
    text: str, question: str, said: str | None, rare: set[str]
) -> None:
    reader = ExtractiveGenerator(idf=lambda term: 2.0 if term in rare else 1.0)
    answer = reader.answer(question, story(text))
    if said is None:
        assert answer == CANNOT_ANSWER, answer
    else:
        assert said in answer and answer.endswith("[1]"), answer


def test_a_count_of_a_toll_does_not_answer_a_count_that_asks_none(reader: ExtractiveGenerator) -> None:
    crash = "Two people were killed and 31 injured on Thursday when a commuter train struck a lorry."
    assert reader.answer("How many people were on the train?", story(crash)) == CANNOT_ANSWER
    carrying = f"{crash} The train was carrying about 260 people."
    answer = reader.answer("How many people were on the train?", story(carrying))
    assert lead_and_marker(answer) == ("about 260", "[1]"), answer


def test_a_night_of_the_week_asked_is_not_answered_by_another_nights(reader: ExtractiveGenerator) -> None:
    text = "The headline slot on Saturday night went to singer-songwriter Maeve Ardell, who played to 20,000 people."
    assert reader.answer("Who headlined on Friday night?", story(text)) == CANNOT_ANSWER
    answer = reader.answer("Who headlined on Saturday night?", story(text))
    assert "Maeve Ardell" in answer and answer.endswith("[1]"), answer


def test_an_age_after_a_name_is_that_persons(reader: ExtractiveGenerator) -> None:
    text = (
        "The dead were the train driver, Gareth Mullen, 49, and a passenger in the first carriage whose name has "
        "not been released."
    )
    assert reader.answer("How old was the passenger who died?", story(text)) == CANNOT_ANSWER
    answer = reader.answer("How old was Gareth Mullen?", story(text))
    assert lead_and_marker(answer) == ("49", "[1]"), answer
    answer = reader.answer("How old was the train driver?", story(text))
    assert "Gareth Mullen, 49" in answer and answer.endswith("[1]"), answer


def test_how_exact_the_asker_wants_it_is_no_word_to_find_and_a_crash_is_a_collision() -> None:
    reader = small_index_idf({"train", "struck", "lorri", "kill"})
    text = (
        "Two people were killed on Thursday when a commuter train struck a lorry stuck on a level crossing near "
        "the village of Ashcombe Vale, emergency services said."
    )
    answer = reader.answer("Where exactly did the train crash?", story(text))
    assert lead_and_marker(answer) == ("Ashcombe Vale", "[1]"), answer


RATES_TITLE = "Halvern Reserve Bank Raises Benchmark Rate to 4.75% Amid Stubborn Inflation"
RATES = (
    "The Reserve Bank of Halvern increased its benchmark lending rate by 0.25 percentage points to 4.75% on "
    "Wednesday, after consumer prices rose faster than expected in October. Tomas Brell, chief economist at "
    "Calloway Capital, said the move would add about 40 dollars a month to the repayments on a typical mortgage."
)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # Put up is raised, and a rate is raised by an increase: the story's sentence, not its headline's gist.
        ("Why did they put rates up?", "after consumer prices rose faster than expected"),
        # "How much more" compares, no word a sentence must hold; repayments are what people pay.
        ("How much more will people pay on their mortgage?", "about 40 dollars a month"),
    ],
)
def test_phrasal_verbs_and_comparisons_are_read_in_the_articles_words(question: str, said: str) -> None:
    reader = small_index_idf({"reserv", "bank", "rate", "increas", "consum", "price", "mortgag", "repay"})
    answer = reader.answer(question, story(RATES, RATES_TITLE))
    assert said in answer and answer.endswith("[1]"), answer


@pytest.mark.parametrize("verb", ["detained", "arrested"])
def test_suspects_picked_up_were_detained_or_arrested(verb: str) -> None:
    reader = small_index_idf({"suspect", "raid", "address", "town"})
    text = f"The suspects were {verb} in dawn raids on Sunday at two addresses in the nearby town of Stennick."
    answer = reader.answer("Where were the suspects picked up?", story(text))
    assert lead_and_marker(answer) == ("Stennick", "[1]"), answer


LANDFILL_TITLE = "Court blocks Greyfield landfill expansion over drinking water risk"
LANDFILL = (
    "A regional court on Monday blocked plans to expand the Greyfield landfill near the town of Marlow. The "
    "case was brought by residents' group Save Kestrel Valley, which argued that the expansion would sit less "
    "than 800 metres from two wells supplying about 14,000 households."
)


def test_who_took_it_to_court_is_who_brought_the_case_though_named_after_its_place() -> None:
    reader = small_index_idf({"court", "greyfield", "landfil", "expans", "case", "brought", "well", "household"})
    history = talk("What happened with the Greyfield landfill court case?", "A regional court blocked plans… [1]")
    question = reader.condense("Who took it to court?", history)
    answer = reader.answer(question, story(LANDFILL, LANDFILL_TITLE))
    assert answer.startswith("The case was brought by residents' group Save Kestrel Valley"), answer


def test_a_body_named_after_the_place_asked_about_is_another_name() -> None:
    # "Save Greyfield Valley" shares "Greyfield" with the conversation, but "group" before it says it is a body's
    # name of its own, and "Save" and "Valley" are words the question doesn't say.
    reader = small_index_idf({"court", "greyfield", "landfil", "expans", "case", "brought", "well", "household"})
    history = talk("What happened with the Greyfield landfill court case?", "A regional court blocked plans… [1]")
    question = reader.condense("Who took it to court?", history)
    text = LANDFILL.replace("Save Kestrel Valley", "Save Greyfield Valley")
    answer = reader.answer(question, story(text, LANDFILL_TITLE))
    assert lead_and_marker(answer) == ("Save Greyfield Valley", "[1]"), answer


CUP_TITLE = "Harbourton Rovers beat Kelvale City 3-1 to reach first cup final in 22 years"
CUP = (
    "Harbourton Rovers reached the final of the Regional Challenge Cup for the first time in 22 years on Saturday. "
    "The match was refereed by Dana Whitlock. Rovers will face Dunmere Athletic in the final on Dec. 13."
)


def test_whom_a_team_plays_is_whom_it_faces_and_a_contest_is_no_one() -> None:
    reader = small_index_idf({"harbourton", "rover", "cup", "semi", "final", "face", "play"})
    history = talk("What happened in the Harbourton Rovers cup semi-final?", "Harbourton Rovers reached… [1]")
    answer = reader.answer(reader.condense("Who do they play in the final?", history), story(CUP, CUP_TITLE))
    assert lead_and_marker(answer) == ("Dunmere Athletic", "[1]"), answer


def test_a_company_named_games_is_a_who(reader: ExtractiveGenerator) -> None:
    # "Games" ends a contest's name ("the Commonwealth Games") as often as a company's: it is not read as either.
    answer = reader.answer("Who sued Apple?", story("Epic Games sued Apple in 2020 over its App Store fees."))
    assert lead_and_marker(answer) == ("Epic Games", "[1]"), answer


def test_who_won_between_two_sides_is_one_of_them() -> None:
    reader = small_index_idf({"harbourton", "kelval", "semi", "final", "won", "beat"})
    text = "Harbourton Rovers beat Kelvale City 3-1 in the semi-final on Saturday. Dunmere Athletic await in the final."
    answer = reader.answer("Who won the semi-final between Harbourton and Kelvale?", story(text))
    assert lead_and_marker(answer) == ("Harbourton Rovers", "[1]"), answer


def test_a_number_made_a_measure_by_its_unit_counts_nothing_else(reader: ExtractiveGenerator) -> None:
    text = "Experts said the 12-week study was too short."
    assert reader.answer("How many people were in the study?", story(text)) == CANNOT_ANSWER
    text = "Haaland will move to block new mining leases in the nearly 225,000-acre area."
    answer = reader.answer("How many acres will Haaland block from mining?", story(text))
    assert lead_and_marker(answer) == ("nearly 225,000", "[1]"), answer


def test_a_dump_is_a_landfill() -> None:
    reader = ExtractiveGenerator(idf=lambda term: 2.0 if term == "dump" else 1.0)
    text = "Two wells near the landfill supply about 14,000 homes."
    answer = reader.answer("How many homes get water from wells near the dump?", story(text))
    assert lead_and_marker(answer) == ("about 14,000", "[1]"), answer


def test_an_app_that_went_down_had_an_outage() -> None:
    reader = small_index_idf({"tillo", "app", "servic", "outag", "wednesday", "caus", "updat"})
    text = (
        "Mobile payments app Tillo restored service on Wednesday evening after an outage lasting nine hours. Chief "
        "executive Sunita Raghavan said the outage was caused by a faulty software update, not by a cyberattack."
    )
    answer = reader.answer("Why did the Tillo app go down on Wednesday?", story(text, "Tillo app back after outage"))
    assert "caused by a faulty software update" in answer and answer.endswith("[1]"), answer


@pytest.mark.parametrize(
    ("question", "text", "lead"),
    [
        # The noun set beside a name says what it is: the name is of the kind asked, and is stated.
        (
            "Who is the Met Office's chief operational meteorologist?",
            "Temperatures are building, Dan Suri, Met Office Chief Operational Meteorologist, said on Monday.",
            "Dan Suri",
        ),
        (
            "Which former astronaut is in the film?",
            "Among the film's stars is Scott Kelly, a former astronaut and test pilot who commanded three space "
            "station expeditions.",
            "Scott Kelly",
        ),
        (
            "Which company brought back the dire wolf?",
            "Colossal Biosciences, the genetic engineering company, says it has brought back the dire wolf.",
            "Colossal Biosciences",
        ),
        # The tagger takes ATACMS for a person; the sentence says they are missiles. ("US-supplied" modifies the
        # missiles asked for: the question asks for missiles, not for the US.)
        (
            "Which US-supplied missiles can Ukraine use to strike Russian territory?",
            "The Biden administration had barred Ukraine from using the missiles to strike deep into Russian "
            "territory. Ukraine could carry out the first strikes using ATACMS, U.S.-supplied long-range missiles, "
            "in the coming days.",
            "ATACMS",
        ),
        # A noun before the next name is that name's title, not a phrase beside the one before.
        (
            "Who is Michigan's athletic director?",
            "Michigan football has fired quarterbacks coach Matt Weiss, athletics director Warde Manuel announced "
            "on Friday.",
            "Warde Manuel",
        ),
    ],
)
def test_a_name_the_noun_asked_stands_beside_is_the_answer(
    reader: ExtractiveGenerator, question: str, text: str, lead: str
) -> None:
    answer = reader.answer(question, story(text))
    assert answer.startswith(f"{lead} — "), answer


def test_a_hyphened_participle_modifies_the_noun_asked() -> None:
    assert analyse("Which US-supplied missiles can Ukraine use?").target == "missiles"
    assert analyse("Which Chinese-owned app was banned?").target == "app"
    assert analyse("Which high-speed train line was cut?").target == "line"  # "speed" is no participle


def test_the_thing_spoken_of_as_already_named_is_not_said_which(reader: ExtractiveGenerator) -> None:
    # "the missiles" takes for granted which missiles; the sentence is about the question but doesn't answer it.
    text = "The administration had barred Ukraine from using the missiles to strike deep inside Russia."
    assert reader.answer("Which missiles can Ukraine use against Russia?", story(text)) == CANNOT_ANSWER
    # "the Patriot missiles" says which, though the tagger knows no name there.
    text = "The administration let Ukraine use the Patriot missiles against Russia."
    assert "Patriot missiles" in reader.answer("Which missiles can Ukraine use against Russia?", story(text))


@pytest.mark.parametrize(
    ("question", "text", "lead"),
    [
        (
            "A storm is slamming California. Which part of the state is getting the heaviest rain?",
            "The storm slamming California will bring its heaviest rain to the San Francisco Bay Area, forecasters "
            "said.",
            "San Francisco Bay Area",
        ),
        ("Which areas of Florida flooded?", "Flooding hit the Tampa Bay area and Fort Myers on Tuesday.", "Tampa Bay"),
    ],
)
def test_a_part_of_a_place_is_a_place(reader: ExtractiveGenerator, question: str, text: str, lead: str) -> None:
    # "Which part of the state…?" asks where, inside it: a region is named as places are, not as a thing.
    assert analyse(question).kind is Kind.PLACE
    assert lead_and_marker(reader.answer(question, story(text))) == (lead, "[1]")
    assert analyse("Which part of the deal was dropped?").kind is Kind.NAME  # a part of no place
    assert analyse("Which part of Microsoft was sold?").kind is Kind.NAME


def test_a_thing_counted_in_a_series_is_no_one(reader: ExtractiveGenerator) -> None:
    # "Season 4" plays no one; the sentence says nothing of who plays Diana. ("Game 7" is no answer to who won it
    # either: the Dodgers are.)
    text = "Season 4 of the series plays out Princess Diana's last years."
    assert reader.answer("Who plays Princess Diana in the series?", story(text)) == CANNOT_ANSWER
    answer = reader.answer("Who won Game 7?", story("Game 7 was won by the Dodgers, who beat the Yankees 4-2."))
    assert lead_and_marker(answer) == ("Dodgers", "[1]"), answer
    # A band may be numbered: it still answers who.
    text = "The headline slot on Saturday night went to Maroon 5, who played to 20,000 people."
    assert "Maroon 5" in reader.answer("Who headlined on Saturday?", story(text))


def test_a_word_opening_a_place_name_stays_though_the_question_says_it(reader: ExtractiveGenerator) -> None:
    # "new" in the question is no role before the name, as "manager" is before "Manager Sigrun Aalto".
    text = "The new cell tower is being built in New Castle County, near the police league."
    answer = reader.answer("Where is the new cell tower being built?", story(text))
    assert lead_and_marker(answer) == ("New Castle County", "[1]"), answer


@pytest.mark.parametrize(
    ("question", "text", "lead"),
    [
        (
            "Who headlined on Saturday?",
            "The headline slot on Saturday night went to singer-songwriter Maeve Ardell, 31, who played to 20,000 "
            "people.",
            "Maeve Ardell",
        ),
        ("Who won the top award?", "The top award went to director Lena Varga for her debut film.", "Lena Varga"),
    ],
)
def test_who_something_went_to_is_who_got_it(reader: ExtractiveGenerator, question: str, text: str, lead: str) -> None:
    # The one it went to is named words after what the question asks about, and is the answer all the same.
    assert lead_and_marker(reader.answer(question, story(text))) == (lead, "[1]")
