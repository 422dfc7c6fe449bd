"""Routing a question to the documents it names."""

from __future__ import annotations

from docthrift.models import DocumentRecord
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
