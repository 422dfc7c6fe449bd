"""Layouts, cover text, figures and questions of the sample filings (see ``sample_text``)."""

from __future__ import annotations

from samples.types import Block

TEN_K_LAYOUT: tuple[Block, ...] = (
    ("cover", "", "10-K"),
    ("page", "", ""),
    ("contents", "", ""),
    ("page", "", ""),
    ("part", "PART I", ""),
    ("item", "Item 1. Business", ""),
    ("sub", "Overview", "Overview"),
    ("sub", "Products", "Products"),
    ("sub", "Customers", "Customers"),
    ("sub", "Manufacturing and Supply", "Manufacturing and Supply"),
    ("sub", "Competition and Human Capital", "Competition and Human Capital"),
    ("item", "Item 1A. Risk Factors", "Risk intro"),
    ("risks", "", ""),
    ("item", "Item 1B. Unresolved Staff Comments", "None"),
    ("item", "Item 1C. Cybersecurity", "Item 1C"),
    ("item", "Item 2. Properties", "Item 2"),
    ("item", "Item 3. Legal Proceedings", "Item 3"),
    ("item", "Item 4. Mine Safety Disclosures", "Not applicable"),
    ("page", "", ""),
    ("part", "PART II", ""),
    (
        "item",
        (
            "Item 5. Market for Registrant's Common Equity, Related Stockholder Matters and "
            "Issuer Purchases of Equity Securities"
        ),
        "Item 5",
    ),
    ("item", "Item 6. [Reserved]", ""),
    (
        "item",
        (
            "Item 7. Management's Discussion and Analysis of Financial Condition and Results "
            "of Operations"
        ),
        "MD&A intro",
    ),
    ("sub", "Results of Operations", "Results of Operations"),
    ("sub", "Liquidity and Capital Resources", "Liquidity and Capital Resources"),
    ("sub", "Critical Accounting Estimates", "Critical Accounting Estimates"),
    ("item", "Item 7A. Quantitative and Qualitative Disclosures About Market Risk", "Item 7A"),
    ("page", "", ""),
    ("item", "Item 8. Financial Statements and Supplementary Data", ""),
    ("sub", "Report of Independent Registered Public Accounting Firm", "Auditor"),
    ("page", "", ""),
    ("sub", "Consolidated Statements of Operations", ""),
    ("table", "", "operations"),
    ("page", "", ""),
    ("sub", "Consolidated Balance Sheets", ""),
    ("table", "", "balance"),
    ("page", "", ""),
    ("sub", "Consolidated Statements of Cash Flows", ""),
    ("table", "", "cash flows"),
    ("sub", "Notes to Consolidated Financial Statements", "Notes"),
    (
        "item",
        (
            "Item 9. Changes in and Disagreements with Accountants on Accounting and "
            "Financial Disclosure"
        ),
        "None",
    ),
    ("item", "Item 9A. Controls and Procedures", "Item 9A"),
    ("item", "Item 9B. Other Information", "None"),
    ("page", "", ""),
    ("part", "PART III", ""),
    ("item", "Item 10. Directors, Executive Officers and Corporate Governance", "By reference"),
    ("item", "Item 11. Executive Compensation", "By reference"),
    (
        "item",
        (
            "Item 12. Security Ownership of Certain Beneficial Owners and Management and "
            "Related Stockholder Matters"
        ),
        "By reference",
    ),
    (
        "item",
        ("Item 13. Certain Relationships and Related Transactions, and Director Independence"),
        "By reference",
    ),
    ("item", "Item 14. Principal Accountant Fees and Services", "By reference"),
    ("part", "PART IV", ""),
    ("item", "Item 15. Exhibits and Financial Statement Schedules", ""),
    ("bullets", "", "Item 15"),
    ("item", "Item 16. Form 10-K Summary", "None"),
    ("part", "SIGNATURES", "Signatures"),
)

TEN_Q_LAYOUT: tuple[Block, ...] = (
    ("cover", "", "10-Q"),
    ("page", "", ""),
    ("part", "PART I. FINANCIAL INFORMATION", ""),
    ("item", "Item 1. Financial Statements", ""),
    ("sub", "Condensed Consolidated Statements of Operations (Unaudited)", ""),
    ("table", "", "operations"),
    ("page", "", ""),
    ("sub", "Condensed Consolidated Balance Sheets (Unaudited)", ""),
    ("table", "", "balance"),
    ("sub", "Notes to Condensed Consolidated Financial Statements (Unaudited)", "Notes"),
    ("page", "", ""),
    (
        "item",
        (
            "Item 2. Management's Discussion and Analysis of Financial Condition and Results "
            "of Operations"
        ),
        "",
    ),
    ("sub", "Overview", "Overview"),
    ("sub", "Results of Operations", "Results of Operations"),
    ("sub", "Liquidity and Capital Resources", "Liquidity and Capital Resources"),
    ("item", "Item 3. Quantitative and Qualitative Disclosures About Market Risk", "Item 3"),
    ("item", "Item 4. Controls and Procedures", "Item 4"),
    ("page", "", ""),
    ("part", "PART II. OTHER INFORMATION", ""),
    ("item", "Item 1. Legal Proceedings", "Legal"),
    ("item", "Item 1A. Risk Factors", "Risk Factors"),
    ("item", "Item 2. Unregistered Sales of Equity Securities and Use of Proceeds", "Item 2"),
    ("table", "", "repurchases"),
    ("item", "Item 5. Other Information", "Item 5"),
    ("item", "Item 6. Exhibits", ""),
    ("bullets", "", "Exhibits"),
    ("part", "SIGNATURES", "Signatures"),
)

EARNINGS_LAYOUT: tuple[Block, ...] = (
    ("strong", "Contoso Pharmaceuticals plc", ""),
    ("note", "PRESS RELEASE | For immediate release", ""),
    ("title", "Contoso Reports Fourth Quarter and Full Year 2024 Results", "Lead"),
    ("item", "Fourth Quarter and Full Year 2024 Highlights", ""),
    ("bullets", "", "Highlights"),
    ("item", "Financial Results", "Results"),
    ("item", "2025 Financial Guidance", "Guidance"),
    ("item", "Pipeline Update", "Pipeline"),
    ("item", "Additional Information", "About"),
    ("page", "", ""),
    ("item", "Condensed Consolidated Income Statement (Unaudited)", ""),
    ("table", "", "income"),
    ("item", "Revenue by Medicine", ""),
    ("table", "", "products"),
)

# Cover pages: (font, size, space after, text); "{report}" and "{period}" vary by form.
NW_OPS = {  # revenue, cost of revenue, R&D, SG&A, other income, income tax, diluted shares
    "2024": (1284, 755, 171, 196, 9, 36, 62.1),
    "2023": (1088, 653, 148, 172, 4, 25, 61.0),
    "2022": (942, 580, 131, 158, -2, 15, 60.2),
}
NW_Q1 = {"2025": (338, 196, 45, 52, 2, 10, 62.4), "2024": (279, 166, 39, 46, 1, 6, 61.6)}
NW_HARDWARE = {"2024": 873, "2025": 229}  # hardware revenue of FY2024 and Q1 2025
NW_BALANCE = {  # cash, receivables, inventories, other current, PP&E, goodwill, other assets,
    # payables, accrued, deferred revenue, long-term debt, other liabilities
    "March 31, 2025": (431, 248, 335, 57, 618, 386, 137, 176, 131, 85, 450, 118),
    "December 31, 2024": (412, 236, 318, 54, 604, 389, 133, 171, 137, 80, 450, 117),
    "December 31, 2023": (358, 201, 287, 47, 521, 402, 110, 158, 126, 68, 500, 98),
}
NW_CASH = {  # D&A, stock compensation, working capital, capex, debt repaid, stock plans, opening
    "2024": (64, 48, -26, -118, -50, 1, 358),
    "2023": (55, 41, -38, -96, -25, 3, 324),
    "2022": (47, 35, -61, -84, 0, 4, 327),
}
NW_REPURCHASES = (
    ("Period", "Shares purchased", "Average price ($)", "Remaining ($M)"),
    ("January 1 - 31, 2025", "-", "-", "150.0"),
    ("February 1 - 28, 2025", "120,000", "76.80", "140.8"),
    ("March 1 - 31, 2025", "190,000", "77.81", "126.0"),
    ("Total", "310,000", "77.42", "126.0"),
)
CONTOSO = {  # revenue, cost of sales, R&D, SG&A, net income, diluted EPS
    "Q4 2024": (2317, 602, 498, 611, 471, 1.82),
    "Q4 2023": (2126, 574, 463, 583, 389, 1.50),
    "FY 2024": (8912, 2361, 1907, 2302, 1806, 6.97),
    "FY 2023": (8180, 2249, 1788, 2214, 1472, 5.68),
}
CONTOSO_PRODUCTS = {  # Q4 2024, Q4 2023, FY 2024, FY 2023
    "Veltrixa": (389, 318, 1412, 1139),
    "Corvenza": (297, 205, 1068, 702),
    "Aldurin": (412, 431, 1703, 1764),
}
OPS_ROWS = (
    "Net revenue",
    "Cost of revenue",
    "Gross profit",
    "Research and development",
    "Selling, general and administrative",
    "Total operating expenses",
    "Operating income",
    "Other income (expense), net",
    "Income before income taxes",
    "Provision for income taxes",
    "Net income",
    "Diluted net income per share",
)
BALANCE_ROWS = (
    "Cash and cash equivalents",
    "Accounts receivable, net",
    "Inventories",
    "Prepaid expenses and other current assets",
    "Total current assets",
    "Property and equipment, net",
    "Goodwill and intangible assets, net",
    "Other non-current assets",
    "Total assets",
    "Accounts payable",
    "Accrued and other current liabilities",
    "Deferred revenue",
    "Total current liabilities",
    "Long-term debt",
    "Other long-term liabilities",
    "Total liabilities",
    "Total shareholders' equity",
    "Total liabilities and shareholders' equity",
)
CASH_ROWS = (
    "Net income",
    "Depreciation and amortization",
    "Stock-based compensation",
    "Changes in operating assets and liabilities",
    "Net cash provided by operating activities",
    "Purchases of property and equipment",
    "Net cash used in investing activities",
    "Repayment of term loan",
    "Proceeds from employee stock plans",
    "Net cash provided by (used in) financing activities",
    "Net change in cash and cash equivalents",
    "Cash and cash equivalents at beginning of year",
    "Cash and cash equivalents at end of year",
)
INCOME_ROWS = (
    "Revenue",
    "Cost of sales",
    "Gross profit",
    "Research and development",
    "Selling, general and administrative",
    "Operating profit",
    "Net income",
    "Diluted earnings per share",
)

# (id, doc_id, question, answer, evidence snippets), formatted with the document's figures.
# A question's evidence pages are the pages whose text contains one of its snippets.
QUESTION_SPECS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "nw-fy24-revenue",
        "northwind_2024_10K",
        "What was Northwind Robotics' net revenue in FY2024?",
        "${rev} million, up {rev_growth}% from ${rev_prev} million in FY2023.",
        ("Net revenue {rev} {rev_prev}", "grew {rev_growth}% to ${rev} million"),
    ),
    (
        "nw-fy24-gross-margin",
        "northwind_2024_10K",
        "What was Northwind Robotics' gross margin in FY2024?",
        "{gm}% (gross profit of ${gp} million on net revenue of ${rev} million).",
        ("Gross profit {gp} {gp_prev}", "gross margin was {gm}%"),
    ),
    (
        "nw-fy24-cash",
        "northwind_2024_10K",
        "How much cash and cash equivalents did Northwind Robotics hold at the end of FY2024?",
        "${cash} million at December 31, 2024.",
        (
            "we had ${cash} million in cash and cash equivalents",
            "Cash and cash equivalents {cash} {cash_prev}",
        ),
    ),
    (
        "nw-fy24-operating-cash-flow",
        "northwind_2024_10K",
        "What was Northwind Robotics' net cash provided by operating activities in FY2024?",
        "${ocf} million.",
        (
            "Net cash provided by operating activities {ocf}",
            "Net cash provided by operating activities was ${ocf} million",
        ),
    ),
    (
        "nw-fy24-top-customer",
        "northwind_2024_10K",
        "What share of Northwind Robotics' FY2024 net revenue came from its largest customer?",
        "14% (Meridian Logistics).",
        ("Meridian Logistics, accounted for 14% of net revenue",),
    ),
    (
        "nw-fy24-single-source",
        "northwind_2024_10K",
        (
            "Which component does Northwind Robotics' FY2024 10-K say comes from a single "
            "supplier, and how much of cost of revenue did it represent?"
        ),
        (
            "Motion-control semiconductors (the NX-7 servo controller chip, made in Taiwan), about "
            "9% of FY2024 cost of revenue."
        ),
        ("represented about 9% of our cost of revenue",),
    ),
    (
        "nw-q1-25-revenue",
        "northwind_2025Q1_10Q",
        "What was Northwind Robotics' net revenue in Q1 2025, and how much did it grow?",
        "${rev} million, up {rev_growth}% from ${rev_prev} million in Q1 2024.",
        ("net revenue increased {rev_growth}% to ${rev} million", "Net revenue {rev} {rev_prev}"),
    ),
    (
        "nw-q1-25-tariffs",
        "northwind_2025Q1_10Q",
        (
            "What cost impact did Northwind Robotics expect from new U.S. tariffs, per its Q1 2025 "
            "10-Q?"
        ),
        (
            "About $19 million of extra cost of revenue for the rest of fiscal 2025, from a 25% "
            "tariff on harmonic drive gearboxes and other motion components imported from China "
            "and Japan."
        ),
        ("increase our cost of revenue by approximately $19 million",),
    ),
    (
        "contoso-q4-24-revenue",
        "contoso_2024Q4_earnings",
        "What was Contoso Pharmaceuticals' revenue in Q4 2024?",
        "${q_rev} million, up {q_growth}% from ${q_rev_prev} million in Q4 2023.",
        ("Fourth quarter revenue of ${q_rev} million", "Revenue {q_rev} {q_rev_prev}"),
    ),
    (
        "contoso-fy25-guidance",
        "contoso_2024Q4_earnings",
        "What revenue guidance did Contoso Pharmaceuticals give for FY2025?",
        "$9.4 billion to $9.7 billion, with diluted EPS of $7.40 to $7.70.",
        ("revenue of $9.4 billion to $9.7 billion",),
    ),
)
