"""Text, layout and figures of the sample filings that ``docthrift.samples`` renders.

Paragraphs are ``str.format`` templates filled from figures the generator computes from
the statement tables, so prose and tables never disagree. In each tuple the first paragraph
keeps its place; the generator shuffles the rest with the seed. A layout is a list of
blocks ``(kind, title, key)``: headings (part, title, item, sub) followed by the prose under
``key``, and page breaks, tables, bullets and risk factors. Only ASCII: the PDF base-14
fonts have no glyphs for typographic quotes or bullets.
"""

from __future__ import annotations

Paragraphs = tuple[str, ...]
Block = tuple[str, str, str]

# Sections whose paragraphs are numbered or follow a set sequence keep their order.
FIXED_ORDER = frozenset({"Auditor", "Notes", "Item 9A"})

TEN_K: dict[str, Paragraphs] = {
    "Overview": (
        (
            'Northwind Robotics, Inc. ("Northwind," the "Company," "we," "us" or "our") designs, '
            "manufactures and services autonomous mobile robots and robotic piece-picking systems "
            "for warehouses, distribution centers and factories. Our platforms, the Tern "
            "autonomous mobile robot and the Osprey picking arm, are deployed at more than 1,900 "
            "customer sites in 31 countries. We were incorporated in Delaware in 2013 and "
            "completed our initial public offering in 2021."
        ),
        (
            "We sell hardware together with multi-year subscriptions to Northwind Fleet, our "
            "cloud-based orchestration software, and with service contracts that cover "
            "maintenance, spare parts and remote monitoring. In fiscal 2024 hardware accounted for "
            "{hw_share}% of net revenue and subscriptions and services for the remaining "
            "{sw_share}%. Annual recurring revenue from subscriptions and services reached $437 "
            "million at December 31, 2024, an increase of 29% from a year earlier."
        ),
    ),
    "Products": (
        (
            "The Tern family of autonomous mobile robots moves totes, cases and pallets of up to "
            "1,500 kilograms without fixed infrastructure such as magnetic tape or floor markers. "
            "Tern robots navigate with lidar and stereo vision, and a single site can run several "
            "hundred robots under the coordination of Northwind Fleet. In 2024 we introduced the "
            "Tern XL, a heavy-payload model designed for automotive and beverage plants."
        ),
        (
            "The Osprey piece-picking system combines a six-axis arm, a hybrid suction and finger "
            "gripper and grasp-planning models trained on more than 40 million picks. Osprey "
            "handles apparel, cosmetics, pharmaceuticals and consumer electronics at up to 1,100 "
            "picks per hour, and customers typically install Osprey stations at goods-to-person "
            "ports fed by Tern robots."
        ),
        (
            "Northwind Fleet assigns missions, plans traffic, schedules charging and connects to "
            "warehouse management systems through published interfaces. Fleet is priced per robot "
            "per month, and its analytics module reports throughput, utilization and exceptions "
            "for every site, which our customer success team reviews with each customer every "
            "quarter."
        ),
    ),
    "Customers": (
        (
            "We sell primarily to third-party logistics providers, e-commerce retailers, grocery "
            "distributors and manufacturers. In fiscal 2024 our largest customer, Meridian "
            "Logistics, accounted for 14% of net revenue, and our ten largest customers together "
            "accounted for 47% of net revenue. Our master agreement with Meridian Logistics runs "
            "through June 2027 and may be terminated by either party on 180 days' notice."
        ),
        (
            "Customers in North America accounted for 61% of net revenue in fiscal 2024, customers "
            "in Europe for 27% and customers in Asia-Pacific for 12%. We sell through a direct "
            "sales force in the United States, Germany, the United Kingdom and Japan, and through "
            "certified systems integrators in other markets."
        ),
    ),
    "Manufacturing and Supply": (
        (
            "We assemble Tern robots at our facility in Everett, Washington, and Osprey arms at a "
            "contract manufacturer in Guadalajara, Mexico. We buy lidar sensors, lithium-ion "
            "battery cells, harmonic drive gearboxes and motion-control semiconductors from "
            "outside suppliers, several of which are our only source for a component. We hold "
            "safety stock of critical parts equal to about eleven weeks of planned production."
        ),
    ),
    "Competition and Human Capital": (
        (
            "The market for warehouse automation is intensely competitive. We compete with large "
            "industrial automation companies, with vendors of fixed conveyor and shuttle systems "
            "and with venture-funded robotics start-ups. We believe we compete favorably on speed "
            "of deployment, the number of robots a single site can run and total cost of ownership "
            "over a five-year contract."
        ),
        (
            "As of December 31, 2024, we had 2,310 full-time employees, of whom 870 worked in "
            "research and development and 640 in manufacturing and field service. None of our U.S. "
            "employees is represented by a labor union; employees of our German subsidiary are "
            "represented by a works council. Voluntary attrition was 9% in 2024."
        ),
    ),
    "Risk intro": (
        (
            "Investing in our common stock involves a high degree of risk. You should consider "
            "carefully the risks described below, together with the other information in this "
            "Annual Report on Form 10-K, including our consolidated financial statements. If any "
            "of these risks occurs, our business, financial condition and results of operations "
            "could be materially harmed and the price of our common stock could decline."
        ),
    ),
    "None": ("None.",),
    "Not applicable": ("Not applicable.",),
    "Item 1C": (
        (
            "Our information security program is overseen by the Audit "
            "Committee and led by our Chief Information Security Officer, who has 20 years of "
            "experience in industrial control system security. We assess Northwind Fleet and our "
            "corporate systems against the NIST Cybersecurity Framework, engage outside firms for "
            "penetration tests twice a year and did not experience a material cybersecurity "
            "incident in fiscal 2024."
        ),
    ),
    "Item 2": (
        (
            "Our headquarters occupy 210,000 square feet of leased office space "
            "in Seattle, Washington, under a lease that expires in 2031. We own our 340,000 square "
            "foot assembly plant in Everett, Washington, and lease engineering offices in Munich, "
            "Germany, and Osaka, Japan."
        ),
    ),
    "Item 3": (
        (
            "From time to time we are party to litigation arising in the "
            "ordinary course of business, including patent claims and product liability claims. We "
            "do not believe that any pending matter will have a material adverse effect on our "
            "financial position."
        ),
    ),
    "Item 5": (
        (
            "Our common stock is listed on the Nasdaq Global Select Market under the symbol "
            '"NWRB." As of February 14, 2025, there were 184 holders of record. We have never paid '
            "cash dividends and do not expect to in the foreseeable future. In November 2024 our "
            "Board of Directors authorized the repurchase of up to $150 million of our common "
            "stock through December 2026; no shares had been repurchased under the program by year "
            "end."
        ),
    ),
    "MD&A intro": (
        (
            "The following discussion should be read together with our consolidated financial "
            "statements and the related notes in Item 8. Fiscal 2024 was a year of broad-based "
            "growth: we added 212 customer sites, shipped 9,400 robots and expanded Osprey to "
            "grocery and pharmaceutical distribution. Our discussion of fiscal 2023 compared with "
            "fiscal 2022 is in Item 7 of our Annual Report on Form 10-K for fiscal 2023."
        ),
    ),
    "Results of Operations": (
        (
            "Net revenue grew {rev_growth}% to ${rev} million in fiscal 2024 from ${rev_prev} "
            "million in fiscal 2023. Hardware revenue rose to ${hw} million on higher Tern "
            "shipments and the launch of the Tern XL, and subscription and services revenue rose "
            "to ${sw} million as the installed base expanded."
        ),
        (
            "Gross profit was ${gp} million and gross margin was {gm}%, compared with {gm_prev}% "
            "in fiscal 2023. The improvement reflects a higher share of software subscriptions and "
            "lower freight costs, partly offset by higher prices for battery cells."
        ),
        (
            "Research and development expense increased to ${rnd} million from ${rnd_prev} million "
            "as we added engineers for grasp planning and the next Tern platform. Selling, general "
            "and administrative expense increased to ${sga} million from ${sga_prev} million, "
            "mainly from sales headcount in Europe and Japan."
        ),
        (
            "Operating income was ${oi} million, or {om}% of net revenue, compared with ${oi_prev} "
            "million in fiscal 2023. Net income was ${ni} million, or ${eps} per diluted share, "
            "and our effective tax rate was {etr}%."
        ),
    ),
    "Liquidity and Capital Resources": (
        (
            "As of December 31, 2024, we had ${cash} million in cash and cash equivalents, "
            "compared with ${cash_prev} million a year earlier, and $200 million of undrawn "
            "capacity under our revolving credit facility. We believe these resources and cash "
            "from operations will meet our needs for at least the next twelve months."
        ),
        (
            "Net cash provided by operating activities was ${ocf} million in fiscal 2024. We "
            "invested ${capex} million in property and equipment, mainly a second assembly line in "
            "Everett, and repaid ${repaid} million of our term loan, leaving ${debt} million "
            "outstanding, due in 2028."
        ),
    ),
    "Critical Accounting Estimates": (
        (
            "We recognize hardware revenue when control transfers at site acceptance and "
            "subscription revenue ratably over the contract term. Estimating the standalone "
            "selling price of each element in a bundled contract requires judgment, as do our "
            "estimates of excess and obsolete inventory and of warranty costs, which we base on "
            "failure rates observed across the installed fleet."
        ),
    ),
    "Item 7A": (
        (
            "We are exposed to interest rate risk on our term loan, which bears interest at SOFR "
            "plus 2.25%. A 100 basis point increase in SOFR would increase annual interest expense "
            "by about $4.5 million. About 31% of our net revenue is denominated in euros, pounds "
            "sterling and yen; a 10% stronger U.S. dollar would have reduced fiscal 2024 net "
            "revenue by about $40 million."
        ),
    ),
    "Auditor": (
        (
            "To the Shareholders and Board of Directors of Northwind Robotics, Inc.: We have "
            "audited the accompanying consolidated balance sheets of Northwind Robotics, Inc. as "
            "of December 31, 2024 and 2023, and the related consolidated statements of operations, "
            "comprehensive income, shareholders' equity and cash flows for each of the three years "
            "in the period ended December 31, 2024. In our opinion, the financial statements "
            "present fairly, in all material respects, the financial position of the Company in "
            "conformity with U.S. generally accepted accounting principles."
        ),
        (
            "These financial statements are the responsibility of the Company's management. Our "
            "responsibility is to express an opinion on them based on our audits, which we "
            "conducted in accordance with the standards of the Public Company Accounting Oversight "
            "Board. /s/ Fabrikam & Lowe LLP, Seattle, Washington, February 24, 2025. We have "
            "served as the Company's auditor since 2017."
        ),
    ),
    "Notes": (
        (
            "Note 1. Summary of Significant Accounting Policies. The consolidated financial "
            "statements include the accounts of Northwind Robotics, Inc. and its wholly owned "
            "subsidiaries. Intercompany balances have been eliminated. Inventories are stated at "
            "the lower of cost, determined on a first-in, first-out basis, and net realizable "
            "value."
        ),
        (
            "Note 2. Revenue. Hardware revenue was ${hw} million and subscription and services "
            "revenue was ${sw} million in fiscal 2024. Remaining performance obligations were "
            "$1,036 million at December 31, 2024, of which we expect to recognize 41% within one "
            "year."
        ),
        (
            "Note 3. Debt. Our credit agreement provides a ${debt} million term loan maturing in "
            "2028 and a $200 million revolving credit facility. The agreement requires a maximum "
            "net leverage ratio of 3.0 to 1.0; we were in compliance at December 31, 2024."
        ),
    ),
    "Item 9A": (
        (
            "Evaluation of Disclosure Controls and Procedures. Our Chief Executive Officer and "
            "Chief Financial Officer evaluated the effectiveness of our disclosure controls and "
            "procedures as of December 31, 2024, and concluded that they were effective at the "
            "reasonable assurance level."
        ),
        (
            "Management's Report on Internal Control over Financial Reporting. Management assessed "
            "our internal control over financial reporting as of December 31, 2024, using the "
            "criteria of the 2013 Internal Control - Integrated Framework issued by COSO, and "
            "concluded that it was effective. Fabrikam & Lowe LLP has issued an attestation report "
            "on our internal control over financial reporting."
        ),
        (
            "Changes in Internal Control. During the fourth quarter of fiscal 2024 we moved our "
            "order-to-cash processes to a new enterprise resource planning system. We adapted our "
            "controls to the new system, and there were no other changes that materially affected "
            "our internal control over financial reporting."
        ),
    ),
    "By reference": (
        (
            "The information required by this Item is incorporated by reference to our definitive "
            "Proxy Statement for the 2025 Annual Meeting of Shareholders, which we will file with "
            "the SEC within 120 days after December 31, 2024."
        ),
    ),
    "Item 15": (
        "Exhibit 21.1 Subsidiaries of the Registrant.",
        (
            "Exhibit 23.1 Consent of Fabrikam & Lowe LLP, Independent Registered Public Accounting "
            "Firm."
        ),
        (
            "Exhibits 31.1 and 31.2 Certifications of the Chief Executive Officer and the Chief "
            "Financial Officer pursuant to Rule 13a-14(a)."
        ),
        "Exhibit 32.1 Certifications pursuant to 18 U.S.C. Section 1350.",
        "Exhibit 101 Inline XBRL documents.",
    ),
    "Signatures": (
        (
            "Pursuant to the requirements of Section 13 or 15(d) of the Securities Exchange Act of "
            "1934, the registrant has duly caused this report to be signed on its behalf by the "
            "undersigned, thereunto duly authorized. Date: February 24, 2025. /s/ Priya Raman, "
            "Chief Executive Officer. /s/ Daniel Okafor, Chief Financial Officer."
        ),
    ),
}

RISKS_10K: dict[str, tuple[tuple[str, str], ...]] = {
    "Risks Related to Our Supply Chain": (
        (
            "We depend on a single supplier for the motion-control semiconductors in our robots.",
            (
                "The NX-7 servo controller chip that drives every joint of the Osprey arm and "
                "every wheel module of the Tern robot is made by one semiconductor company in "
                "Hsinchu, Taiwan, and no qualified second source exists. Purchases of these "
                "semiconductors represented about 9% of our cost of revenue in fiscal 2024. During "
                "the 2021-2022 semiconductor shortage our lead times for this chip reached 52 "
                "weeks and we delayed shipments to several customers. Qualifying another chip "
                "would require us to redesign our controller boards and re-certify our products, "
                "which we estimate would take twelve to eighteen months."
            ),
        ),
        (
            (
                "Higher costs of battery cells, lidar sensors and other components could reduce "
                "our gross margin."
            ),
            (
                "Prices of lithium-ion battery cells rose 11% in fiscal 2024, and lidar sensors "
                "remain in tight supply. Most of our customer contracts fix hardware prices for "
                "the first phase of a deployment, so we may not be able to pass cost increases on "
                "to customers before those contracts are renewed."
            ),
        ),
        (
            (
                "A disruption at our Everett plant or at our contract manufacturer could prevent "
                "us from meeting demand."
            ),
            (
                "All Tern robots are assembled in Everett, Washington, which lies in an area of "
                "seismic activity, and all Osprey arms are built by one contract manufacturer in "
                "Mexico. A fire, earthquake, labor dispute or change in cross-border trade rules "
                "could halt production for months."
            ),
        ),
    ),
    "Risks Related to Our Business and Industry": (
        (
            "Our revenue is concentrated among a small number of large customers.",
            (
                "Our ten largest customers accounted for 47% of net revenue in fiscal 2024. The "
                "loss of, or a reduction in orders from, any of them, or their decision to build "
                "automation in-house, would reduce our revenue and could harm our reputation."
            ),
        ),
        (
            "Our sales cycles are long and our quarterly results may fluctuate.",
            (
                "Customers often take nine to eighteen months to evaluate, pilot and approve a "
                "deployment, and the timing of site acceptance determines when we recognize "
                "hardware revenue. Delays at a few large sites can move revenue between quarters."
            ),
        ),
        (
            (
                "Defects or accidents involving our robots could harm our reputation and expose us "
                "to liability."
            ),
            (
                "Our robots operate near people in busy facilities. A software defect, a failure "
                "of a safety sensor or an accident causing injury could lead to product recalls, "
                "claims and regulatory investigations that exceed our insurance coverage."
            ),
        ),
        (
            "A security breach of Northwind Fleet could disrupt our customers' operations.",
            (
                "Fleet connects to thousands of robots and to customers' warehouse systems. An "
                "attack that disabled Fleet or corrupted its data could stop operations at many "
                "sites at once and lead to claims, lost renewals and remediation costs."
            ),
        ),
    ),
    "Risks Related to Our Indebtedness and Trade Policy": (
        (
            (
                "Our credit agreement restricts our operations, and we may not be able to "
                "refinance it on acceptable terms."
            ),
            (
                "The term loan matures in 2028 and bears a variable rate. Its covenants limit our "
                "ability to incur debt, pay dividends and make acquisitions, and a breach could "
                "accelerate repayment of the outstanding balance."
            ),
        ),
        (
            "Tariffs and export controls could raise our costs or limit our sales.",
            (
                "We import gearboxes, sensors and battery cells from Asia and export robots to "
                "more than 30 countries. New tariffs, export restrictions on robotics or "
                "semiconductor technology, or retaliatory measures could raise our cost of revenue "
                "or close markets to us."
            ),
        ),
    ),
}

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
