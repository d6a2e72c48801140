# 评估结果的原因（每个单元格为什么是这个状态）。参数：$found、$needed 为次数，
# $hours_found、$hours_needed 为学时，$missing 为尚缺的项目，$feature 为尚未建成的功能。

why-held = 已开展{ $found }次，要求{ $needed }次
why-not-enough = 已开展{ $found }次，要求{ $needed }次
why-held-without-quorum = 有{ $found }次会议到会人数未过半，不计入
why-first-item-not-study = 有{ $found }次会议第一议题不是理论学习，不计入
why-agenda-item-missing = 有{ $found }次会议缺少规定议程，不计入
why-not-at-grassroots = 有{ $found }次党课不是在基层单位或支部讲授，不计入
why-all-parts = 各项均已开展
why-parts-missing = 尚缺：{ $missing }
why-every-meeting-opened-with-study = 本月{ $needed }次会议均以理论学习为第一议题
why-meetings-without-study = 本月{ $needed }次会议中有{ $found }次第一议题不是理论学习
why-hours-reached = 已学习{ $hours_found }学时，要求{ $hours_needed }学时
why-hours-short = 已学习{ $hours_found }学时，要求{ $hours_needed }学时
why-not-existing = 该期间组织尚未成立或已撤销
why-not-bound = 该期间不在适用范围内（未在册或未任相关职务）
why-joined-this-year = 本年入党，首个政治生日在明年
why-exempted = 经批准免于本项要求
why-feature-not-built = 相关功能尚未建成，暂不评估
why-pending-local-rule = 文件未规定频次，待省、市、县级党委作出规定后再评估
why-method-not-duty = 这是一种工作方法，不是对每名党员的硬性要求，没有开展也不影响任何评价
why-positive-case = 正面典型
why-negative-case = 反面典型
