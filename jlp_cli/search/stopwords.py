"""Words a query asks with, not for: function words and question words.

``how``, ``what``, ``the``, 什么, 多少, 哪些, 是否, 的 … say how a person asks,
not what they look for; a query ignores them for matching (a query made only
of them still answers: it is searched as typed). Words that look like
function words but name something in this kind of text stay out of these
lists: first, new, top, one, main, old, go (Go West), well (well-being); so
do Chinese characters that are often part of a word (都 of 之都, 对 of 对外,
地 of 基地, 过 of 过程).

A multi-word phrase that is a concept of its own (how many, how big, set up,
per cent) is looked up in the concept table before these words are dropped.
"""

from __future__ import annotations

STOP_EN = frozenset("""
a an the this that these those there here it its they them their theirs
i me my mine we us our ours you your yours he him his she her hers one's
is are was were be been being am do does did done doing have has had having
can could would should will shall may might must
of in on at to for from by with into onto about as than then so such
and or but nor not no yes if while also too very just only still even
what when where who whom whose which why how
any some each all much many more most other another
up out off over down
please tell show me find list give get got want know explain describe
info information detail details regarding per plus vs versus via
did does do s t
""".split())

#: Chinese question and filler words, longest first where one holds
#: another (是什么 before 什么), so that segmentation finds them whole.
STOP_ZH = frozenset("""
的 了 是 有 吗 呢 吧 啊 呀 么 在 和 与 及 或 还 也 就 把 被 从 让
这 那 这个 那个 这些 那些 这里 那里
哪 哪个 哪些 哪里 哪儿 哪年 哪一年 哪家 哪位 在哪 在哪里 在哪儿 是哪里 是哪个 是哪些
什么 是什么 啥 有什么 有啥 怎么 怎样 怎么样 如何 为什么 为何 干什么 做什么
多少 是多少 有多少 几 几个 第几 排第几 多大 有多大 多高 多长 多久
是否 是不是 有没有 有何 何时 什么时候 哪时 谁 是谁
请问 请 一下 里 介绍 介绍一下 关于 情况 进展 相关 内容 信息 详情 具体 有关
有哪些 都有 都有哪些 包括哪些 了吗 的吗 呢吗 多不多 好不好 怎么回事
""".split())

#: The Chinese question words typed as pinyin (a student asks xibu qinggu
#: zai nali). Syllables that are also common words of a text (shi: 是 but
#: also 市; yu: 与 but also 渝) are left out.
STOP_PINYIN = frozenset("""
shenme shime duoshao nali naer nage naxie zenme zenyang zenmeyang ruhe shifou weishenme shenmeshihou
jige diji youmeiyou shibushi shishenme zainali zaina nayinian nanian ma ne le de zai
""".split())

