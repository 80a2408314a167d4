"""Writes dataset.trig (run: python tests/data/ld/make_dataset.py > tests/data/ld/dataset.trig).

The offsets of spans, mentions and targets are computed from the source texts, never typed.
"""
B = "https://w3id.org/vetkg/"
D = B + "doc/津教职函-2025-1号"
G = B + "graph/津教职函-2025-1号"
text = ("关于印发2025年天津市职业教育工作要点的通知\n"
        "各区教育局：\n"
        "现将《2025年天津市职业教育工作要点》印发给你们，请认真贯彻落实。\n"
        "一、提升院校关键办学能力\n"
        "1.实施第二轮“双高计划”，支持天津职业大学遴选打造7所左右国家级高水平学校和专业群。"
        "2.推动天津职业大学与轨道交通企业共建产业学院。\n")
def span(sub, occ=0):
    i = -1
    for _ in range(occ + 1):
        i = text.index(sub, i + 1)
    return i, i + len(sub)
def esc(s):
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
out = []
w = out.append
w("@prefix vet: <https://w3id.org/vetkg/ontology#> .")
w("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .")
w("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .")
w("@prefix dcterms: <http://purl.org/dc/terms/> .")
w("@prefix schema: <https://schema.org/> .")
w("@prefix oa: <http://www.w3.org/ns/oa#> .")
w("@prefix prov: <http://www.w3.org/ns/prov#> .")
w("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .")
w("")
w(f"<{G}> {{")
w(f'<{D}> a vet:Notice ; dcterms:title "关于印发2025年天津市职业教育工作要点的通知"@zh ;')
w('  vet:documentNumber "津教职函〔2025〕1号" ; dcterms:issued "2025-04-18"^^xsd:date ;')
w(f'  vet:issuedBy <{B}id/org/天津市教育委员会> ; vet:issues <{D}/plan> ;')
w(f'  vet:sourceText "{esc(text)}" ; vet:contentDigest "0000" .')
w(f'<{D}/plan> a vet:WorkPlan ; dcterms:title "2025年天津市职业教育工作要点"@zh ; vet:year "2025"^^xsd:gYear ; vet:locatedIn <{B}id/place/天津市> .')
a0, a1 = span("一、提升院校关键办学能力")
w(f'<{D}/area/1> a vet:WorkArea ; vet:partOf <{D}/plan> ; vet:ordinal 1 ;')
w(f'  dcterms:title "提升院校关键办学能力"@zh ; vet:textSpan <{D}/span/{a0}-{a1}> .')
spans = [(a0, a1)]
m1 = span("实施第二轮“双高计划”，支持天津职业大学遴选打造7所左右国家级高水平学校和专业群。")
m2 = span("推动天津职业大学与轨道交通企业共建产业学院。")
for k, (s, e) in ((2, m2), (1, m1)):  # written out of order on purpose: pages must sort by ordinal
    w(f'<{D}/area/1/measure/{k}> a vet:Measure ; vet:partOf <{D}/area/1> ; vet:ordinal {k} ;')
    w(f'  vet:text "{esc(text[s:e])}"@zh ; vet:textSpan <{D}/span/{s}-{e}> ; prov:wasDerivedFrom <{D}> ;')
    w(f'  vet:mentions <{B}id/org/天津职业大学> ;')
    w(f'  vet:involves <{B}id/org/天津职业大学> .')
    spans.append((s, e))
w(f'<{D}/area/1/measure/1> vet:mentions <{B}id/programme/双高计划> ; vet:setsTarget <{D}/target/{{t}}> .')
t0, t1 = span("遴选打造7所左右国家级高水平学校和专业群")
out[-1] = out[-1].replace("{t}", f"{t0}-{t1}")
w(f'<{D}/target/{t0}-{t1}> a vet:QuantifiedTarget ; schema:value 7 ; schema:unitText "所" ;')
w('  vet:countedThing "国家级高水平学校和专业群"@zh ; vet:approximate true ; vet:comparator "approximately" ;')
w(f'  vet:targetAction "遴选打造"@zh ; vet:textSpan <{D}/span/{t0}-{t1}> ; vet:foundIn <{D}/area/1/measure/1> .')
spans.append((t0, t1))
for (s, e), found in ((span("天津职业大学", 0), 1), (span("天津职业大学", 1), 2)):
    w(f'<{D}/mention/{s}-{e}> a vet:Mention, oa:Annotation ; oa:hasBody <{B}id/org/天津职业大学> ;')
    w(f'  oa:hasTarget <{D}/span/{s}-{e}> ; vet:textSpan <{D}/span/{s}-{e}> ; vet:foundIn <{D}/area/1/measure/{found}> .')
    spans.append((s, e))
for s, e in spans:
    sp = f"{D}/span/{s}-{e}"
    w(f'<{sp}> a oa:SpecificResource ; oa:hasSource <{D}> ; oa:hasSelector <{sp}#position>, <{sp}#quote> .')
    w(f'<{sp}#position> a oa:TextPositionSelector ; oa:start {s} ; oa:end {e} .')
    w(f'<{sp}#quote> a oa:TextQuoteSelector ; oa:exact "{esc(text[s:e])}" ; '
      f'oa:prefix "{esc(text[max(0, s - 8):s])}" ; oa:suffix "{esc(text[e:e + 8])}" .')
w(f'<{B}id/org/天津职业大学> a vet:HigherVocationalCollege ; rdfs:label "天津职业大学"@zh, "Tianjin Vocational Institute"@en ;')
w('  skos:prefLabel "天津职业大学"@zh .')
w(f'<{B}id/org/天津市教育委员会> a vet:GovernmentBody ; rdfs:label "天津市教育委员会"@zh ; skos:prefLabel "天津市教育委员会"@zh .')
w(f'<{B}id/programme/双高计划> a vet:Programme ; rdfs:label "双高计划"@zh ; skos:prefLabel "双高计划"@zh .')
w(f'<{B}id/org/escape-test> a vet:Enterprise ; rdfs:label "<script>alert(\\"x\\")</script>企业"@zh .')
w("}")
print("\n".join(out))

# A second, smaller notice: two documents make "what they have in common" and the counts testable.
D2 = B + "doc/滨海教职-2025-2号"
G2 = B + "graph/滨海教职-2025-2号"
text2 = "滨海新区2025年职业教育工作要点\n一、深化产教融合\n1.支持天津职业大学在滨海新区建设实训基地。\n"
s, e = text2.index("天津职业大学"), text2.index("天津职业大学") + 6
ms, me = text2.index("支持"), text2.index("。") + 1
o = []
o.append(f"<{G2}> {{")
o.append(f'<{D2}> a vet:Notice ; dcterms:title "滨海新区2025年职业教育工作要点的通知"@zh ; vet:issues <{D2}/plan> ;')
o.append(f'  vet:sourceText "{esc(text2)}" .')
o.append(f'<{D2}/plan> a vet:WorkPlan ; dcterms:title "滨海新区2025年职业教育工作要点"@zh .')
o.append(f'<{D2}/area/1> a vet:WorkArea ; vet:partOf <{D2}/plan> ; vet:ordinal 1 ; dcterms:title "深化产教融合"@zh .')
o.append(f'<{D2}/area/1/measure/1> a vet:Measure ; vet:partOf <{D2}/area/1> ; vet:ordinal 1 ;')
o.append(f'  vet:text "{esc(text2[ms:me])}"@zh ; vet:involves <{B}id/org/天津职业大学> ; vet:mentions <{B}id/org/天津职业大学> ;')
o.append(f'  prov:wasDerivedFrom <{D2}> ; vet:textSpan <{D2}/span/{ms}-{me}> .')
o.append(f'<{D2}/mention/{s}-{e}> a vet:Mention, oa:Annotation ; oa:hasBody <{B}id/org/天津职业大学> ;')
o.append(f'  oa:hasTarget <{D2}/span/{s}-{e}> ; vet:textSpan <{D2}/span/{s}-{e}> ; vet:foundIn <{D2}/area/1/measure/1> .')
for a, b in ((s, e), (ms, me)):
    sp = f"{D2}/span/{a}-{b}"
    o.append(f'<{sp}> a oa:SpecificResource ; oa:hasSource <{D2}> ; oa:hasSelector <{sp}#position>, <{sp}#quote> .')
    o.append(f'<{sp}#position> a oa:TextPositionSelector ; oa:start {a} ; oa:end {b} .')
    o.append(f'<{sp}#quote> a oa:TextQuoteSelector ; oa:exact "{esc(text2[a:b])}" .')
o.append(f'<{B}id/org/天津职业大学> a vet:HigherVocationalCollege ; rdfs:label "天津职业大学"@zh ; skos:prefLabel "天津职业大学"@zh .')
o.append("}")
print("\n".join(o))
