"""The words of the page furniture, in the reader's language (Accept-Language: zh or en)."""
from __future__ import annotations

_MESSAGES: dict[str, tuple[str, str]] = {  # key: (zh, en)
    "site": ("职业教育政策知识图谱", "vetkg: vocational-education policy graph"),
    "query": ("查询", "Query"),
    "search": ("检索", "Search"),  # /search and /compare: server/workbench
    "compare": ("比较", "Compare"),
    "ontology": ("本体", "Ontology"),
    "void": ("数据集描述", "Dataset (VoID)"),
    "dumps": ("下载", "Dumps"),
    "types": ("类型", "Types"),
    "properties": ("属性", "Properties"),
    "property": ("属性", "Property"),
    "value": ("值", "Value"),
    "referenced_by": ("被引用", "Referenced by"),
    "more_not_shown": ("更多未显示", "more not shown"),
    "source": ("原文出处", "Source sentence"),
    "mentions": ("原文中的提及", "Mentions in the text"),
    "document": ("文档", "Document"),
    "found_in": ("出自", "Found in"),
    "structure": ("文件结构", "Structure"),
    "plan": ("工作要点", "Plan"),
    "formats": ("其他格式", "Other formats"),
    "parts": ("组成部分", "Parts"),
    "graph": ("命名图", "Named graph"),
    "graph_size": ("三元组数", "Triples"),
    "graph_document": ("对应文档", "Document"),
    "not_found": ("未找到", "Not found"),
    "not_found_text": ("该 IRI 没有任何三元组。", "There are no triples about this IRI."),
    "not_acceptable": ("无法提供所请求的格式", "Not acceptable"),
    "offered": ("可提供的格式", "Offered formats"),
    "classes": ("类", "Classes"),
    "class": ("类", "Classes"),
    "object property": ("对象属性", "Object properties"),
    "datatype property": ("数据属性", "Datatype properties"),
    "annotation property": ("注释属性", "Annotation properties"),
    "property_kind": ("属性", "Properties"),
    "individual": ("个体", "Individuals"),
    "superclasses": ("上位类", "Subclass of"),
    "superproperties": ("上位属性", "Subproperty of"),
    "domain": ("定义域", "Domain"),
    "range": ("值域", "Range"),
    "equivalent": ("等价于", "Equivalent to"),
    "inverse": ("逆属性", "Inverse of"),
    "instance_of": ("所属类", "Instance of"),
    "no_ontology": ("本体尚未加载。", "The ontology is not loaded."),
    "examples": ("示例查询", "Example queries"),
    "query_intro": (
        "在下方编辑并运行 SPARQL 查询；默认图是所有命名图的并集。",
        "Edit and run SPARQL queries below; the default graph is the union of all named graphs.",
    ),
    "endpoint": ("SPARQL 端点", "SPARQL endpoint"),
    "counts": ("统计", "Counts"),
    "triples": ("三元组", "Triples"),
    "subjects": ("不同主语", "Distinct subjects"),
    "documents": ("文档", "Documents"),
    "graphs": ("命名图", "Named graphs"),
    "entities": ("实例数", "Entities"),
    "labels": ("名称", "Labels"),
    # the pictures of server/workbench (network.js, targets and timeline)
    "network": ("关系网络", "Network"),
    "network_note": (
        "院校、项目和产业：同一条举措提到的两者之间连线，线越粗，共同出现的举措越多。点击节点打开其页面。",
        "Institutions, programmes and industries, linked when one measure names both; the thicker the line, "
        "the more measures do. Click a node to open its page.",
    ),
    "targets_chart": ("目标", "Targets"),
    "targets_note": (
        "各项举措提出的量化目标；同一单位的目标之间按数值比较条形长度。",
        "The quantified targets the measures set; bars compare values of the same unit.",
    ),
    "counted": ("所计对象", "What is counted"),
    "target_value": ("目标值", "Target"),
    "timeline": ("历年工作要点", "Plans by year"),
    "timeline_note": ("该地区及其下属地区历年印发的工作要点。", "The plans this place and its districts issued, year by year."),
    "measures": ("条举措", "measures"),
    "target_count": ("项目标", "targets"),
    "appears_in": ("出现在以下举措中", "Measures naming it"),
    "role": ("角色", "Role"),
    "measure": ("举措", "Measure"),
    "named": ("提及", "named"),
    "kind_Organization": ("机构", "Institution"),
    "kind_Programme": ("项目", "Programme"),
    "kind_Industry": ("产业", "Industry"),
    "kind_Place": ("地点", "Place"),
    "kind_Law": ("法规", "Law"),
    "kind_Event": ("活动", "Event"),
    "kind_Platform": ("平台", "Platform"),
}


class Messages:
    def __init__(self, language: str) -> None:
        self.language = language
        self._index = 1 if language == "en" else 0

    def __getitem__(self, key: str) -> str:
        pair = _MESSAGES.get(key)
        return pair[self._index] if pair else key

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):  # dunder probes (Jinja's __html__, copy …) must not get a string
            raise AttributeError(key)
        return self[key]
