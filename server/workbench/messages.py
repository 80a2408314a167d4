"""The workbench's words, in the reader's language, on top of the linked-data pages' own."""
from __future__ import annotations

from ..linked_data.messages import Messages

_WORDS: dict[str, tuple[str, str]] = {  # key: (zh, en)
    "search_placeholder": ("输入中文词语，如 实训基地", "Words in Chinese, e.g. 实训基地"),
    "search_button": ("检索", "Search"),
    "hits": ("条结果", "hits"),
    "no_hits": ("没有找到结果。", "Nothing found."),
    "any_word": ("没有同时包含全部词语的条目，以下为包含任一词语的结果。",
                 "No entry holds every word; these hold any of them."),
    "words": ("分词", "Words"),
    "indexing": ("检索索引正在建立，结果可能不全。", "The search index is still being built: hits may be missing."),
    "facets": ("筛选", "Filter"),
    "clear_filter": ("取消筛选", "clear"),
    "score": ("相关度", "score"),
    "facet_document": ("文件", "Document"),
    "facet_year": ("年份", "Year"),
    "facet_region": ("地区", "Region"),
    "facet_area": ("工作领域", "Work area"),
    "facet_kind": ("类型", "Kind"),
    "previous": ("上一页", "previous"),
    "next": ("下一页", "next"),
    "sparql": ("生成此表的 SPARQL", "The SPARQL behind this table"),
    "error": ("请求有误", "Bad request"),
    # kinds of entry (vet: class local names)
    "Measure": ("措施", "Measure"),
    "WorkArea": ("工作领域", "Work area"),
    "Part": ("部分", "Part"),
    "GeneralRequirements": ("总体要求", "General requirements"),
    "WorkPlan": ("工作要点", "Plan"),
    "Notice": ("通知", "Notice"),
    "Organization": ("机构", "Organisation"),
    "AddresseeGroup": ("主送对象", "Addressees"),
    "Programme": ("计划项目", "Programme"),
    "Platform": ("平台", "Platform"),
    "Industry": ("产业", "Industry"),
    "Place": ("地点", "Place"),
    "Law": ("法规", "Law"),
    "Event": ("活动", "Event"),
    "Publication": ("出版物", "Publication"),
    # comparison
    "compare_intro": ("选择两份文件（或一个、两个地区）进行比较。",
                      "Choose two documents (or one or two regions) to compare."),
    "plan_a": ("文件甲", "Document A"),
    "plan_b": ("文件乙", "Document B"),
    "region": ("地区", "Region"),
    "regions": ("地区", "Regions"),
    "work_areas": ("工作领域对照", "Work areas side by side"),
    "similarity": ("相似度", "similarity"),
    "entities": ("提及的机构、计划项目、产业、法规和活动", "Institutions, programmes, industries, laws and events named"),
    "both": ("两者都提及", "Both"),
    "only_a": ("仅文件甲", "Only A"),
    "only_b": ("仅文件乙", "Only B"),
    "targets": ("量化目标", "Quantified targets"),
    "counted": ("计数对象", "What is counted"),
    "changed": ("有变化", "changed"),
    "unchanged": ("未变", "same"),
    "only_in_a": ("仅见于甲", "only in A"),
    "only_in_b": ("仅见于乙", "only in B"),
    "plans_by_year": ("各年份的工作要点", "Plans by year"),
    "year": ("年份", "Year"),
    "plan": ("工作要点", "Plan"),
    "measures": ("措施数", "Measures"),
    "target_count": ("目标数", "Targets"),
    "compare_these": ("比较", "compare"),
    "unknown": ("未知", "unknown"),
}


class WorkbenchMessages(Messages):
    def __getitem__(self, key: str) -> str:
        pair = _WORDS.get(key)
        return pair[self._index] if pair else super().__getitem__(key)
