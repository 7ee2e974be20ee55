"""An ecospold2 dataset set built by hand: three activities with a loop, a credit, lognormal and
pedigree uncertainty, a by-product, a cut-off input and an elementary flow lca has no flow for.

Solved by hand (x: activity levels, demand 1 item of server use):
    x_C = 1
    x_A = 0.5 MWh of C + 0.05 kWh per kg of coal  = 500 + 0.05 x_B
    x_B = 0.4 kg per kWh of A - 0.1 kg avoided by C = 0.4 x_A - 0.1
so x_A = 499.995 / 0.98, and with IPCC AR6 GWP100 (CO2 1, fossil CH4 29.8)
    GWP = 0.9 x_A + 0.01 x_B * 29.8.
"""

from __future__ import annotations

from pathlib import Path

NS = "http://www.EcoInvent.org/EcoSpold02"
X_A = 499.995 / 0.98
X_B = 0.4 * X_A - 0.1
GWP = 0.9 * X_A + 0.01 * X_B * 29.8
# pedigree (2, 3, 1, 2, 4) with the weidema2013 variances of ln, plus the basic variance 0.0006
PEDIGREE_VARIANCE = 0.0006 + 0.000595 + 0.000595 + 0.0 + 0.000025 + 0.0411


def intermediate(uid, name, amount, unit, group, *, output=False, link=None, extra="", inner="", attrs=""):
    link_attr = f' activityLinkId="{link}"' if link else ""
    amount_attr = f' amount="{amount}"' if amount is not None else ""
    tag = "outputGroup" if output else "inputGroup"
    return (f'<intermediateExchange id="{uid}-x" intermediateExchangeId="{uid}"{amount_attr}{link_attr}{attrs}>'
            f'<name xml:lang="en">{name}</name><unitName xml:lang="en">{unit}</unitName>{inner}'
            f'<{tag}>{group}</{tag}>{extra}</intermediateExchange>')


def elementary(uid, name, amount, unit, compartment, sub="unspecified", cas=None, inner="", output=True):
    cas_attr = f' casNumber="{cas}"' if cas else ""
    tag, group = ("outputGroup", 4) if output else ("inputGroup", 4)
    return (f'<elementaryExchange id="{uid}-x" elementaryExchangeId="{uid}" amount="{amount}"{cas_attr}>'
            f'<name xml:lang="en">{name}</name><unitName xml:lang="en">{unit}</unitName>{inner}'
            f'<compartment subcompartmentId="s"><compartment xml:lang="en">{compartment}</compartment>'
            f'<subcompartment xml:lang="en">{sub}</subcompartment></compartment><{tag}>{group}</{tag}>'
            '</elementaryExchange>')


def dataset(uid, name, geography, exchanges, comment="", child=False):
    kind = "childActivityDataset" if child else "activityDataset"
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ecoSpold xmlns="{NS}"><{kind}><activityDescription>'
            f'<activity id="{uid}" activityNameId="{uid}-n"><activityName xml:lang="en">{name}</activityName>'
            f'<generalComment><text xml:lang="en" index="1">{comment}</text></generalComment></activity>'
            f'<geography geographyId="g"><shortname xml:lang="en">{geography}</shortname></geography>'
            f'</activityDescription><flowData>{"".join(exchanges)}</flowData></{kind}></ecoSpold>')


CO2_LOGNORMAL = ('<uncertainty><lognormal meanValue="0.9" mu="-0.10536" variance="0.0025" '
                 'varianceWithPedigreeUncertainty="0.0025"/></uncertainty>')
COAL_PEDIGREE = ('<uncertainty><lognormal meanValue="0.4" mu="-0.91629" variance="0.0006" '
                 f'varianceWithPedigreeUncertainty="{PEDIGREE_VARIANCE}"/>'
                 '<pedigreeMatrix reliability="2" completeness="3" temporalCorrelation="1" '
                 'geographicalCorrelation="2" furtherTechnologyCorrelation="4"/>'
                 '<comment xml:lang="en">estimated</comment></uncertainty>')


def activities() -> dict[str, str]:
    """File name -> .spold text of the three activities."""
    power = dataset("act-power", "electricity production, hard coal", "GLO", [
        intermediate("p-elec", "electricity, medium voltage", 1, "kWh", 0, output=True,
                     attrs=' productionVolumeAmount="1e9"'),
        intermediate("p-coal", "hard coal", 0.4, "kg", 1, link="act-mine", inner=COAL_PEDIGREE,
                     attrs=' sourceFirstAuthor="Smith" sourceYear="2020"'),
        intermediate("p-ash", "ash", 0.05, "kg", 2, output=True,
                     extra='<property propertyId="dm" amount="1"><name xml:lang="en">dry mass</name></property>'),
        elementary("e-co2", "Carbon dioxide, fossil", 0.9, "kg", "air", "urban", "124-38-9", inner=CO2_LOGNORMAL),
    ], comment="Hard coal power plant, hand-built for the tests.")
    mine = dataset("act-mine", "hard coal mining", "GLO", [
        intermediate("p-coal", "hard coal", 1, "kg", 0, output=True),
        intermediate("p-elec", "electricity, medium voltage", 0.05, "kWh", 2),  # the loop, linked by uniqueness
        intermediate("p-water", "water treatment", 0.002, "m3", 5),
        elementary("e-ch4", "Methane, fossil", 0.01, "kg", "air", cas="74-82-8"),
        elementary("e-pm", "Particulate matter, unknown to lca", 0.001, "kg", "air"),
    ])
    server = dataset("act-server", "server operation", "US", [
        intermediate("p-server", "server use", 1, "unit", 0, output=True),
        intermediate("p-elec", "electricity, medium voltage", 0.5, "MWh", 2, link="act-power",
                     inner='<uncertainty><triangular minValue="0.45" mostLikelyValue="0.5" maxValue="0.6"/>'
                           '</uncertainty>'),
        intermediate("p-coal", "hard coal", -0.1, "kg", 1, link="act-mine"),  # a credit: avoided coal
    ])
    return {"power.spold": power, "mine.spold": mine, "server.spold": server}


def write_folder(folder: Path, files: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (files or activities()).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
