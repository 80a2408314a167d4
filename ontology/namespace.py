"""The vetkg vocabulary as Python names.

Every term the pipeline writes is listed here, so that a typo is an AttributeError instead of a
silently wrong IRI; ``tests/test_ontology.py`` checks that this list and ``vetkg.ttl`` agree.
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/vetkg/ontology"
DEFAULT_BASE_IRI = "https://w3id.org/vetkg/"

ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


class VET(DefinedNamespace):
    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # documents and their structure
    Notice: URIRef
    WorkPlan: URIRef
    GeneralRequirements: URIRef
    Part: URIRef
    WorkArea: URIRef
    Measure: URIRef
    Chapter: URIRef
    Section: URIRef
    Box: URIRef
    Attachment: URIRef
    TableRow: URIRef
    AddresseeGroup: URIRef

    # organisations
    Organization: URIRef
    GovernmentBody: URIRef
    HigherVocationalCollege: URIRef
    SecondaryVocationalSchool: URIRef
    University: URIRef
    ResearchInstitute: URIRef
    Centre: URIRef
    Alliance: URIRef
    Enterprise: URIRef

    # other things a plan names
    Programme: URIRef
    Platform: URIRef
    Industry: URIRef
    Place: URIRef
    Country: URIRef
    Region: URIRef
    AdministrativeArea: URIRef
    EconomicZone: URIRef
    Law: URIRef
    Event: URIRef
    Publication: URIRef
    Periodical: URIRef
    Report: URIRef

    # targets
    Target: URIRef
    QuantifiedTarget: URIRef
    OrdinalTarget: URIRef
    Baseline: URIRef

    # provenance and qualified relations
    Change: URIRef
    Mention: URIRef
    Involvement: URIRef
    Role: URIRef
    ProgrammeKind: URIRef

    # concept schemes (individuals defined in the ontology)
    IndustryScheme: URIRef
    RoleScheme: URIRef
    Recogniser: URIRef
    RecogniserScheme: URIRef
    recogniserRules: URIRef
    recogniserGazetteer: URIRef
    recogniserLexicon: URIRef
    recogniserLAC: URIRef
    ProgrammeKindScheme: URIRef

    # roles an organisation plays in a measure (individuals of vet:Role)
    roleSupport: URIRef  # 支持
    roleGuide: URIRef  # 指导
    roleRelyOn: URIRef  # 依托
    rolePromote: URIRef  # 推动
    roleCooperate: URIRef  # 配合 / 联合
    roleOrganise: URIRef  # 组织
    roleImplement: URIRef  # no verb: the organisation itself acts

    # programme kinds (individuals of vet:ProgrammeKind)
    kindPlan: URIRef  # 计划
    kindProject: URIRef  # 项目
    kindAction: URIRef  # 行动
    kindUndertaking: URIRef  # 工程
    kindModel: URIRef  # 模式
    kindSystem: URIRef  # 体系 / 制度 / 机制
    kindList: URIRef  # 清单
    kindConsortium: URIRef  # 联合体 / 共同体
    kindWorkshop: URIRef  # 工坊
    kindIndustryCollege: URIRef  # 产业学院
    kindInitiative: URIRef  # a named initiative or slogan without a kind word

    # object properties
    issuedBy: URIRef
    issues: URIRef
    addressedTo: URIRef
    copiedTo: URIRef
    partOf: URIRef
    mentions: URIRef
    involves: URIRef
    hasInvolvement: URIRef
    agent: URIRef
    role: URIRef
    targetsIndustry: URIRef
    setsTarget: URIRef
    statesBaseline: URIRef
    locatedIn: URIRef
    publishedBy: URIRef
    citesLaw: URIRef
    concerns: URIRef
    programmeKind: URIRef
    textSpan: URIRef
    foundIn: URIRef
    foundBy: URIRef
    reverts: URIRef

    # datatype properties
    documentNumber: URIRef
    ordinal: URIRef
    marker: URIRef
    text: URIRef
    actionVerb: URIRef
    goal: URIRef
    year: URIRef
    countedThing: URIRef
    approximate: URIRef
    comparator: URIRef
    valueKind: URIRef
    targetAction: URIRef
    ordinalNumber: URIRef
    ordinalUnit: URIRef
    sourceText: URIRef
    contentDigest: URIRef
    changeNumber: URIRef
    addedQuads: URIRef
    removedQuads: URIRef
