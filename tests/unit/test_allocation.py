import bisect

from numbersmith.numbering import area_code_space
from numbersmith.provisioning.allocation import first_free

SPACE = area_code_space("310")


def owned_lookup(owned):
    """An in-memory stand-in for the store's ordered query of owned numbers."""
    ordered = sorted(owned)

    def owned_from(first, limit):
        start = bisect.bisect_left(ordered, first)
        return ordered[start : start + limit]

    return owned_from


def test_takes_the_start_number_when_it_is_free():
    assert first_free(SPACE, 1234, owned_lookup([])) == SPACE.number(1234)


def test_skips_a_long_run_of_owned_numbers():
    owned = [SPACE.number(i) for i in range(500, 800)]
    assert first_free(SPACE, 500, owned_lookup(owned)) == SPACE.number(800)


def test_crosses_exchange_boundaries():
    owned = [SPACE.number(i) for i in range(9_990, 10_000)]
    assert first_free(SPACE, 9_990, owned_lookup(owned)) == SPACE.number(10_000)


def test_wraps_around_to_the_start_of_the_space():
    last = SPACE.size - 1
    owned = [SPACE.number(i) for i in range(last - 5, last + 1)]
    assert first_free(SPACE, last - 5, owned_lookup(owned)) == SPACE.number(0)


def test_finds_the_only_free_number_of_a_full_space():
    space = type(SPACE)("310", SPACE.exchanges[:1], "US", False)  # one exchange: 10,000 numbers
    owned = [space.number(i) for i in range(space.size) if i != 4_321]
    assert first_free(space, 7_000, owned_lookup(owned)) == space.number(4_321)


def test_reports_a_full_space():
    space = type(SPACE)("310", SPACE.exchanges[:1], "US", False)
    owned = [space.number(i) for i in range(space.size)]
    assert first_free(space, 123, owned_lookup(owned)) is None


def test_a_number_owned_past_the_end_of_the_space_is_not_taken_for_one_of_it():
    last = SPACE.size - 1
    owned = [SPACE.number(last - 1), "+1311" + SPACE.number(0)[5:]]  # then one of area code 311
    assert first_free(SPACE, last - 1, owned_lookup(owned)) == SPACE.number(last)
