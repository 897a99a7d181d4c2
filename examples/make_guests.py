"""Write examples/wic2018-guests.csv: a plainly synthetic guest list for the bundled event.

Deterministic (a fixed seed, no dependencies), so running it again gives the
same file. Nobody in it is real: names are "Sample Delegate 0001", organisations
"Sample Organisation 012", e-mails at example.org. The real counts per category
were not published; the shares here are made up for demonstrations.

    python examples/make_guests.py [ROWS] > examples/wic2018-guests.csv
"""

from __future__ import annotations

import csv
import random
import sys

SEED = 2018
ROWS = 1520
CATEGORIES = (("government", 30), ("international-organizations", 15),
              ("enterprises", 35), ("experts", 20))
STATUSES = (("accepted", 62), ("declined", 12), ("tentative", 6), ("invited", 10),
            ("withdrawn", 2), ("attended", 7), ("no-show", 1))
# ISO 3166-1 alpha-2 codes: more than the 76 countries and regions reported for 2018.
COUNTRIES = (
    "AE AF AL AM AO AR AT AU AZ BD BE BG BH BR BY CA CH CL CM CO CU CZ DE DK DZ EC EE EG ES "
    "ET FI FR GB GE GH GR HK HU ID IE IL IN IQ IR IS IT JO JP KE KG KH KR KW KZ LA LB LK LT "
    "LU LV MA MM MN MO MX MY NG NL NO NP NZ OM PE PH PK PL PT QA RO RS RU RW SA SE SG SI SK "
    "SN TH TJ TM TN TR TW TZ UA UG US UY UZ VE VN ZA ZM ZW"
).split()
HEADER = ("name", "organization", "category", "country", "email", "quantity", "status", "note")


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def rows(count: int) -> list[tuple[str, ...]]:
    rng = random.Random(SEED)
    result = []
    for number in range(1, count + 1):
        category = _pick(rng, CATEGORIES)
        # The host country sends many guests.
        country = "CN" if rng.random() < 0.3 else rng.choice(COUNTRIES)
        quantity = rng.choice((2, 3)) if category == "government" and rng.random() < 0.1 else 1
        status = _pick(rng, STATUSES)
        note = "Sample note: delegation" if quantity > 1 else ""
        result.append((f"Sample Delegate {number:04d}",
                       f"Sample Organisation {rng.randrange(1, 400):03d}", category, country,
                       f"delegate{number:04d}@example.org", str(quantity), status, note))
    return result


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(count))


if __name__ == "__main__":
    main()
