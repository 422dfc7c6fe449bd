"""Prose of the sample annual report (Form 10-K); see ``samples.text``."""

from __future__ import annotations

from samples.types import Paragraphs

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
