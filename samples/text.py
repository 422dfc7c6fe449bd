"""Text, layout and figures of the sample filings that ``samples.generate`` renders.

Paragraphs are ``str.format`` templates filled from figures the generator computes from
the statement tables, so prose and tables never disagree. In each tuple the first paragraph
keeps its place; the generator shuffles the rest with the seed. A layout is a list of
blocks ``(kind, title, key)``: headings (part, title, item, sub) followed by the prose under
``key``, and page breaks, tables, bullets and risk factors. Only ASCII: the PDF base-14
fonts have no glyphs for typographic quotes or bullets.
"""

from __future__ import annotations

# The annual report's prose and the layouts, figures and questions live beside this module;
# samples.py reads all of them through this one name.
from samples.annual import *
from samples.figures import *
from samples.types import Block, Paragraphs  # noqa: F401

# Sections whose paragraphs are numbered or follow a set sequence keep their order.
FIXED_ORDER = frozenset({"Auditor", "Notes", "Item 9A"})

TEN_Q: dict[str, Paragraphs] = {
    "Notes": (
        (
            "Note 1. Basis of Presentation. These unaudited condensed consolidated financial "
            "statements have been prepared in accordance with U.S. generally accepted accounting "
            "principles for interim financial information and should be read together with the "
            "audited financial statements in our Annual Report on Form 10-K for fiscal 2024. "
            "Results for the interim period are not necessarily indicative of full-year results."
        ),
        (
            "Note 2. Revenue. Hardware revenue was $229 million and subscription and services "
            "revenue was $109 million in the three months ended March 31, 2025, compared with $193 "
            "million and $86 million in the same period of 2024."
        ),
        (
            "Note 3. Inventories. Inventories consisted of raw materials of $198 million and "
            "finished goods of $137 million at March 31, 2025. We increased safety stock of "
            "gearboxes and semiconductors ahead of announced changes in U.S. tariffs."
        ),
    ),
    "Overview": (
        (
            "We design, manufacture and service autonomous mobile robots and robotic picking "
            "systems. The following discussion should be read with the condensed consolidated "
            "financial statements in Part I, Item 1, and with our Annual Report on Form 10-K for "
            "the fiscal year ended December 31, 2024. In the first quarter we added 57 customer "
            "sites and shipped 2,480 robots."
        ),
    ),
    "Results of Operations": (
        (
            "For the first quarter of fiscal 2025, net revenue increased {rev_growth}% to ${rev} "
            "million from ${rev_prev} million in the first quarter of fiscal 2024, led by Tern XL "
            "deployments in Europe and higher subscription revenue from the installed base."
        ),
        (
            "Gross margin was {gm}%, compared with {gm_prev}% a year earlier, as subscriptions and "
            "services grew to 32% of net revenue. Operating income was ${oi} million and net "
            "income was ${ni} million, or ${eps} per diluted share."
        ),
    ),
    "Liquidity and Capital Resources": (
        (
            "As of March 31, 2025, we had ${cash} million in cash and cash equivalents. Net cash "
            "provided by operating activities was $64 million in the quarter; we spent $21 million "
            "on property and equipment and repurchased 310,000 shares for $24 million under our "
            "share repurchase program."
        ),
    ),
    "Item 3": (
        (
            "There have been no material changes in our exposure to interest rate and foreign "
            "currency risk since December 31, 2024. See Item 7A of our Annual Report on Form 10-K "
            "for fiscal 2024."
        ),
    ),
    "Item 4": (
        (
            "Our Chief Executive Officer and Chief Financial Officer concluded that our disclosure "
            "controls and procedures were effective as of March 31, 2025. There were no changes in "
            "our internal control over financial reporting during the quarter that materially "
            "affected, or are reasonably likely to materially affect, that control."
        ),
    ),
    "Item 2": (
        (
            "The following table shows our repurchases of common stock during the first quarter "
            "of fiscal 2025 under the $150 million program our Board authorized in November 2024."
        ),
    ),
    "Item 5": (
        (
            "During the quarter ended March 31, 2025, none of our directors or officers adopted or "
            "terminated a Rule 10b5-1 trading arrangement."
        ),
    ),
    "Exhibits": (
        "31.1 Certification of the Chief Executive Officer pursuant to Rule 13a-14(a).",
        "31.2 Certification of the Chief Financial Officer pursuant to Rule 13a-14(a).",
        "32.1 Certifications pursuant to 18 U.S.C. Section 1350.",
        "101 Inline XBRL documents.",
    ),
    "Signatures": (
        (
            "Pursuant to the requirements of the Securities Exchange Act of 1934, the registrant "
            "has duly caused this report to be signed on its behalf by the undersigned, thereunto "
            "duly authorized. Date: April 29, 2025. /s/ Daniel Okafor, Chief Financial Officer."
        ),
    ),
    "Legal": (
        (
            "We are not party to any legal proceeding that we believe is likely to have a material "
            "adverse effect on our business or financial condition."
        ),
    ),
    "Risk Factors": (
        (
            "Except as described below, there have been no material changes to the risk factors "
            "disclosed in Part I, Item 1A of our Annual Report on Form 10-K for fiscal 2024."
        ),
        (
            "New tariffs on imported components will raise our costs. In April 2025 the United "
            "States imposed a 25% tariff on harmonic drive gearboxes and other precision motion "
            "components imported from China and Japan. Absent mitigation, we estimate these "
            "tariffs will increase our cost of revenue by approximately $19 million for the "
            "remainder of fiscal 2025. We are qualifying gearbox suppliers in Mexico and the "
            "United States, but a new supplier may not meet our quality standards on time."
        ),
        (
            "Our customers may delay orders while trade policy is uncertain. Several large "
            "customers told us in April 2025 that they were reviewing capital budgets in light of "
            "tariffs on their own imports. A broad pause in warehouse investment would reduce our "
            "hardware revenue in the second half of fiscal 2025."
        ),
    ),
}

EARNINGS: dict[str, Paragraphs] = {
    "Lead": (
        (
            "LONDON, February 4, 2025 -- Contoso Pharmaceuticals plc (NYSE: CTSO) today reported "
            "financial results for the fourth quarter and full year ended December 31, 2024. "
            '"2024 was a year of strong execution," said Helena Marsh, Chief Executive Officer. '
            '"Three of our medicines now exceed $1 billion in annual sales, and our late-stage '
            'pipeline has never been deeper."'
        ),
    ),
    "Highlights": (
        (
            "Fourth quarter revenue of ${q_rev} million, up {q_growth}% from the fourth quarter of "
            "2023; full year revenue of ${fy_rev} million, up {fy_growth}%."
        ),
        (
            "Fourth quarter diluted earnings per share of ${q_eps}; full year diluted earnings per "
            "share of ${fy_eps}, compared with ${fy_eps_prev} in 2023."
        ),
        (
            "Veltrixa, our treatment for moderate-to-severe psoriasis, grew 24% to $1,412 million "
            "in full year sales."
        ),
        (
            "The Board recommends a final dividend of $0.92 per share, bringing the full year "
            "dividend to $1.68 per share."
        ),
    ),
    "Results": (
        (
            "Revenue growth in the fourth quarter was driven by Veltrixa and by the oncology "
            "medicine Corvenza, which launched in Japan in October. Gross margin was {q_gm}%, and "
            "operating profit rose to ${q_op} million. Research and development expense was "
            "${q_rnd} million, reflecting two Phase III programs that began enrollment in 2024."
        ),
        (
            "For the full year, operating profit was ${fy_op} million, up from ${fy_op_prev} "
            "million, and net income was ${fy_ni} million. Net cash from operating activities was "
            "$2,214 million, and net debt was $3,060 million at December 31, 2024."
        ),
    ),
    "Guidance": (
        (
            "For full year 2025, Contoso expects revenue of $9.4 billion to $9.7 billion and "
            "diluted earnings per share of $7.40 to $7.70, at constant exchange rates. The "
            "guidance assumes generic competition for Aldurin in the United States from the third "
            "quarter and research and development expense of about 22% of revenue."
        ),
    ),
    "Pipeline": (
        (
            "In December the FDA accepted our application for Corvenza in first-line ovarian "
            "cancer, with a decision expected in the third quarter of 2025. The Phase III NOVA-2 "
            "study of Veltrixa in psoriatic arthritis met its primary endpoint."
        ),
    ),
    "About": (
        (
            "Conference call. Contoso will host a conference call for analysts and investors at "
            "1:00 p.m. GMT today. A webcast and replay will be available at investors.contoso.com."
        ),
        (
            "About Contoso Pharmaceuticals. Contoso Pharmaceuticals plc is a research-based "
            "biopharmaceutical company headquartered in London, with 18,600 employees and "
            "medicines sold in more than 70 countries in immunology, oncology and rare diseases."
        ),
        (
            "Forward-looking statements. This release contains forward-looking statements, "
            "including statements about 2025 guidance, regulatory decisions and the pipeline. They "
            "involve risks and uncertainties, including the outcome of clinical trials, pricing "
            "pressure, generic competition and currency movements, and actual results may differ "
            "materially. Contoso undertakes no obligation to update them."
        ),
    ),
}

COVER_HEAD: tuple[tuple[str, float, float, str], ...] = (
    ("bold", 12, 0, "UNITED STATES"),
    ("bold", 12, 0, "SECURITIES AND EXCHANGE COMMISSION"),
    ("body", 10, 14, "Washington, D.C. 20549"),
    ("bold", 18, 14, "FORM {form}"),
    (
        "bold",
        10,
        4,
        (
            "[X] {report} REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES "
            "EXCHANGE ACT OF 1934"
        ),
    ),
    ("bold", 10, 6, "{period}"),
    ("body", 10, 6, "OR"),
    (
        "body",
        10,
        4,
        (
            "[ ] TRANSITION REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES "
            "EXCHANGE ACT OF 1934"
        ),
    ),
    ("body", 10, 4, "For the transition period from ________ to ________"),
    ("body", 10, 16, "Commission File Number: 001-40872"),
    ("bold", 18, 0, "Northwind Robotics, Inc."),
    ("body", 8, 10, "(Exact name of registrant as specified in its charter)"),
)
COVER_ADDRESS = (
    ("2200 Harbor Point Drive, Suite 400, Seattle, Washington 98121", 10),
    ("(Address of principal executive offices) (Zip Code)", 8),
    ("(206) 555-0142", 10),
    ("(Registrant's telephone number, including area code)", 8),
)
COVER_SECURITIES = (
    ("Title of each class", "Trading Symbol(s)", "Name of each exchange on which registered"),
    ("Common Stock, $0.0001 par value per share", "NWRB", "The Nasdaq Stock Market LLC"),
)
COVER_FILER = (
    "Indicate by check mark whether the registrant (1) has filed all reports required to be "
    "filed by Section 13 or 15(d) of the Securities Exchange Act of 1934 during the preceding "
    "12 months and (2) has been subject to such filing requirements for the past 90 days. "
    "Yes [X] No [ ]"
)
COVERS: dict[str, tuple[str, str, Paragraphs]] = {
    "10-K": (
        "ANNUAL",
        "For the fiscal year ended December 31, 2024",
        (
            (
                "The aggregate market value of the common stock held by non-affiliates of the "
                "registrant, based on the closing price on June 28, 2024, was approximately $3.9 "
                "billion."
            ),
            (
                "As of February 14, 2025, the registrant had 61,482,310 shares of common stock "
                "outstanding."
            ),
            (
                "DOCUMENTS INCORPORATED BY REFERENCE: Portions of the registrant's definitive "
                "Proxy Statement for its 2025 Annual Meeting of Shareholders are incorporated into "
                "Part III."
            ),
        ),
    ),
    "10-Q": (
        "QUARTERLY",
        "For the quarterly period ended March 31, 2025",
        (
            (
                "As of April 25, 2025, the registrant had 61,297,540 shares of common stock "
                "outstanding."
            ),
        ),
    ),
}

# Statement inputs in $ millions; the generator computes every subtotal from them.
