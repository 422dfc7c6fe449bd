"""Routing a question to the documents it names."""

from __future__ import annotations

from core.models import DocumentRecord
from indexes.routing import company_aliases, quarter_in, route_question, years_in


def _rec(doc_id: str, company: str, doc_type: str, year: int, period: str) -> DocumentRecord:
    return DocumentRecord.model_validate({
        "doc_id": doc_id, "sha256": "0" * 64, "metadata": {
            "company": company, "doc_type": doc_type, "fiscal_year": year,
            "fiscal_period": period}})


RECORDS = [
    _rec("acme-10k-2022", "Acme Widgets, Inc.", "10-K", 2022, "FY2022"),
    _rec("acme-10q-2023", "Acme Widgets, Inc.", "10-Q", 2023, "Q2 2023"),
    _rec("jj-10k-2022", "Johnson & Johnson", "10-K", 2022, "FY2022"),
    _rec("amex-10k-2022", "American Express Company", "10-K", 2022, "FY2022"),
    _rec("bb-10k-2023", "Best Buy Co., Inc.", "10-K", 2023, "FY2023"),
]


def test_aliases() -> None:
    assert {"johnson and johnson", "jnj"} <= company_aliases("Johnson & Johnson")
    assert "amex" in company_aliases("American Express Company")
    assert "american" not in company_aliases("American Express Company")
    assert "best buy" in company_aliases("Best Buy Co., Inc.")
    assert "boeing" in company_aliases("THE BOEING COMPANY")


def test_periods() -> None:
    assert years_in("capex in FY2022 vs FY21 and 2020") == {2020, 2021, 2022}
    assert quarter_in("Q2 of FY2024") == "Q2" and quarter_in("in the second quarter") == "Q2"
    assert quarter_in("full year") is None
    assert years_in("As of FY2023Q1, why") == {2023} and quarter_in("As of FY2023Q1") == "Q1"
    assert quarter_in("in Q22023") == "Q2" and years_in("2024 Q3") == {2024}
    assert quarter_in("As of FY2023Q1, why did guidance rise?") == "Q1"


def test_routes_by_company_year_and_type() -> None:
    assert route_question("Is Acme capital-intensive based on FY2022 data?", RECORDS).doc_ids == ["acme-10k-2022"]
    assert route_question("Acme's revenue in Q2 2023?", RECORDS).doc_ids == ["acme-10q-2023"]
    assert route_question("What drove JnJ's gross margin?", RECORDS).doc_ids == ["jj-10k-2022"]
    assert route_question("Does AMEX retain card members?", RECORDS).doc_ids == ["amex-10k-2022"]
    assert route_question("Best Buy's gross margins in FY2023?", RECORDS).doc_ids == ["bb-10k-2023"]
    assert route_question("What is the best margin in the industry?", RECORDS).doc_ids is None
    tickered = [RECORDS[0].model_copy(update={"metadata": RECORDS[0].metadata.model_copy(
        update={"ticker": "ALL"})}), RECORDS[2]]
    assert route_question("Did ALL raise its dividend?", tickered).doc_ids == ["acme-10k-2022"]
    assert route_question("Did all segments grow?", tickered).doc_ids is None


def test_a_question_naming_two_companies_routes_to_both() -> None:
    route = route_question("Which had the higher gross margin in FY2022, JnJ or AMEX?", RECORDS)
    assert route.doc_ids == ["amex-10k-2022", "jj-10k-2022"]
    assert sorted(s.doc_ids for s in route.subjects) == [["amex-10k-2022"], ["jj-10k-2022"]]


def test_each_part_keeps_its_own_period() -> None:
    # One company, two periods in two numbered parts: both filings, one subject each.
    route = route_question("Answer both. (1) Did Acme's capex rise in FY2022? "
                           "(2) What was Acme's revenue in Q2 2023?", RECORDS)
    assert route.doc_ids == ["acme-10k-2022", "acme-10q-2023"]
    texts = {tuple(s.doc_ids): s.text for s in route.subjects}
    assert "FY2022" in texts[("acme-10k-2022",)] and "Q2 2023" not in texts[("acme-10k-2022",)]
    assert texts[("acme-10q-2023",)].startswith("What was Acme's revenue")
    # Sentences before the first company, or naming none, go with the part before them.
    assert route.subjects[0].text.startswith("Answer both.")


def test_one_subject_when_the_parts_name_the_same_documents() -> None:
    route = route_question("What was Acme's FY2022 capex? Was Acme's FY2022 margin higher?",
                           RECORDS)
    assert route.doc_ids == ["acme-10k-2022"] and len(route.subjects) == 1
    # Two-letter initials never add a company next to a stronger name.
    assert route_question("Does Best Buy report on AE exposure?", RECORDS).doc_ids == ["bb-10k-2023"]


def test_an_item_naming_no_company_asks_about_the_one_before() -> None:
    route = route_question("(1) What was Acme's capex in FY2022? (2) Was cash lower in Q2 2023?",
                           RECORDS)
    assert route.doc_ids == ["acme-10k-2022", "acme-10q-2023"] and len(route.subjects) == 2
    # Without a period or type of its own, such an item just goes on with the part before.
    alone = route_question("(1) What was Acme's capex in FY2022? (2) Explain why it rose.",
                           RECORDS)
    assert alone.doc_ids == ["acme-10k-2022"] and len(alone.subjects) == 1


def test_forward_looking_questions_also_reach_the_prior_year() -> None:
    records = RECORDS + [_rec("acme-10k-2023", "Acme Widgets, Inc.", "10-K", 2023, "FY2023")]
    # A plain question about FY2023 is answered by the FY2023 filings ...
    assert route_question("Acme's revenue in FY2023?", records).doc_ids == ["acme-10k-2023",
                                                                          "acme-10q-2023"]
    # ... the outlook for FY2023 was given in the FY2022 annual report too.
    assert route_question("What revenue growth does Acme expect for FY2023?", records).doc_ids \
        == ["acme-10k-2022", "acme-10k-2023", "acme-10q-2023"]
    assert route_question("Acme's FY2023 guidance for margins?", records).doc_ids \
        == ["acme-10k-2022", "acme-10k-2023", "acme-10q-2023"]
    # A question that names the report it means is not widened to another kind of report.
    assert route_question("What did Acme expect, per its Q2 2024 10-Q?", records).doc_ids \
        == ["acme-10q-2023"]
    assert route_question("Acme's expected capex?", records).doc_ids == [
        "acme-10k-2022", "acme-10k-2023", "acme-10q-2023"]  # no year: every Acme filing
