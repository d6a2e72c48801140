//! The words of the demo's activities: topics of theme party days, party
//! lessons and study sessions, typical cases and agenda items. Data only.

use crate::random::Random;

/// The theme of each month's theme party day (January first).
pub(crate) const THEME_DAYS: [&str; 12] = [
    "新春走访慰问困难党员群众",
    "学雷锋志愿服务",
    "清明祭英烈·传承红色基因",
    "劳动创造幸福·义务劳动",
    "青年党员谈初心",
    "重温入党誓词·迎接七一",
    "庆祝建党·党史学习",
    "国防教育与拥军优属",
    "文明实践·邻里互助",
    "歌唱祖国·爱国主义教育",
    "冬季防火安全宣传",
    "年终总结·党员承诺践诺",
];

/// Topics of party lessons and special party classes.
pub(crate) const LESSONS: [&str; 10] = [
    "深入学习贯彻党的二十届三中全会精神",
    "用习近平新时代中国特色社会主义思想凝心铸魂",
    "弘扬伟大建党精神，争做合格党员",
    "严守党的纪律规矩，永葆清正廉洁",
    "推进乡村全面振兴的青岚实践",
    "坚持以人民为中心的发展思想",
    "铸牢中华民族共同体意识",
    "发扬斗争精神，增强斗争本领",
    "践行“四下基层”，走好新时代群众路线",
    "以学铸魂、以学增智、以学正风、以学促干",
];

/// Study topics of the theoretical study center group.
pub(crate) const STUDIES: [&str; 8] = [
    "习近平总书记关于全面深化改革的重要论述",
    "习近平总书记关于党的建设的重要思想",
    "习近平经济思想",
    "习近平生态文明思想",
    "习近平法治思想",
    "习近平总书记关于“三农”工作的重要论述",
    "习近平总书记关于全面从严治党的重要论述",
    "习近平文化思想",
];

/// Matters a committee meeting decides after the study.
pub(crate) const BUSINESS: [&str; 8] = [
    "研究部署当前重点工作",
    "研究干部任免事项",
    "研究党员发展工作",
    "听取意识形态工作情况汇报",
    "研究安全生产和防汛工作",
    "研究民生实事推进情况",
    "研究基层党组织建设工作",
    "研究财政预算执行情况",
];

pub(crate) const POSITIVE_CASES: [&str; 4] =
    ["驻村第一书记带领群众发展产业的先进事迹", "党员志愿服务队抢险救灾典型", "基层党组织书记担当作为典型", "优秀共产党员扎根山区教学典型"];

pub(crate) const NEGATIVE_CASES: [&str; 4] =
    ["违规收受礼品礼金典型案例", "形式主义官僚主义典型问题", "侵害群众利益的“微腐败”案例", "违规插手工程项目典型案例"];

/// The first agenda item's title: the study of the latest speeches.
pub(crate) const FIRST_ITEM: &str = "学习习近平总书记最新重要讲话重要指示批示精神";

/// A lesson topic.
pub(crate) fn lesson(r: &mut Random) -> &'static str {
    r.pick(&LESSONS)
}

/// A matter of business.
pub(crate) fn business(r: &mut Random) -> &'static str {
    r.pick(&BUSINESS)
}

/// `第一季度`...
pub(crate) fn quarter(q: u32) -> String {
    format!("第{}季度", crate::vocab::numeral(q as usize))
}

/// What a meeting decided on each matter of [`BUSINESS`], in the same order.
pub(crate) const DECISIONS: [&str; 8] = [
    "明确本月重点任务和责任人，月底前报送完成情况",
    "同意拟任免人选，按程序报批",
    "同意将2名入党积极分子列为发展对象，按程序开展政治审查",
    "意识形态工作总体平稳，要求落实好阵地管理责任",
    "开展一次安全隐患排查，汛期实行24小时值班",
    "民生实事按计划推进，对滞后项目挂牌督办",
    "开展支部规范化建设自查，补齐短板",
    "严格执行预算，压减一般性支出",
];

/// What the members said after a study, before the commitment.
pub(crate) const STUDY_TAKEAWAYS: [&str; 5] = [
    "与会同志结合自身工作谈了学习体会",
    "大家逐段学习、交流讨论",
    "与会同志联系思想和工作实际作了发言",
    "会议组织集中学习，并开展了交流研讨",
    "大家围绕学习内容逐一发言",
];

/// What the members resolved to do after a study.
pub(crate) const COMMITMENTS: [&str; 5] = [
    "把学习成果转化为推动工作的实际成效",
    "坚持学用结合，带头落实各项工作任务",
    "进一步增强“四个意识”、坚定“四个自信”、做到“两个维护”",
    "以更加扎实的作风服务群众",
    "对照要求查找不足，抓好整改落实",
];

/// Where meetings are held: at a branch, and in the county bodies.
pub(crate) const BRANCH_ROOMS: [&str; 3] = ["党员活动室", "党群服务中心会议室", "支部会议室"];
pub(crate) const COUNTY_ROOMS: [&str; 2] = ["县委常委会议室", "机关第一会议室"];

/// Topics of the county leaders' research projects (调研课题).
pub(crate) const RESEARCH_TOPICS: [&str; 16] = [
    "抓党建促乡村振兴路径研究",
    "村级集体经济发展壮大情况调研",
    "城市社区网格化治理调研",
    "非公企业党建工作质量提升调研",
    "流动党员教育管理调研",
    "基层减负工作落实情况调研",
    "农村人居环境整治提升调研",
    "县域特色产业链培育调研",
    "优化营商环境专题调研",
    "“一老一小”民生服务调研",
    "矛盾纠纷多元化解机制调研",
    "年轻干部培养选拔调研",
    "乡村教育资源配置调研",
    "基层医疗卫生服务能力调研",
    "山区防汛减灾能力建设调研",
    "党员干部作风建设调研",
];

/// What a research project found.
pub(crate) const FINDINGS: [&str; 6] = [
    "多数村（社区）工作基础较好，但发展不平衡，部分村集体经济收入来源单一。",
    "基层干部普遍反映报表、台账较多，留在群众身边的时间不够。",
    "群众对就业、养老、就医方面的诉求集中，解决渠道还不够畅通。",
    "部分党组织书记年龄偏大，后备力量不足，带头致富能力有待提升。",
    "企业党组织作用发挥参差不齐，党建与生产经营结合不够紧密。",
    "现有制度总体健全，但落实中存在上热中温下冷的现象。",
];

/// Working measures adopted after research (举措).
pub(crate) const MEASURES: [&str; 6] = [
    "建立县级领导联系村（社区）制度，每季度至少走访一次",
    "推行“一村一策”集体经济发展计划",
    "组建党员志愿服务队，开展常态化便民服务",
    "开展村（社区）党组织书记轮训",
    "建立群众诉求限时办结机制",
    "实行基层报表统一归口、只报一次",
];

/// Documents produced by research (制度文件).
pub(crate) const DOCUMENTS: [&str; 5] = [
    "《关于进一步加强村级集体经济发展的实施意见》",
    "《基层党组织书记后备人才培养办法》",
    "《非公企业党建工作指导手册》",
    "专题调研报告一份，报县委常委会审议",
    "《关于为基层减负的若干措施》",
];

/// Problems found by research, for the rectification ledger.
pub(crate) const RESEARCH_PROBLEMS: [&str; 5] = [
    "部分村集体经济收入不足5万元，“空壳村”问题尚未根本解决",
    "基层报表和检查考核仍然偏多",
    "部分企业党组织长期未按期换届",
    "山区群众就医路程远、看病不便",
    "流动党员底数不清，联系不够经常",
];

/// Problems a member raises about themselves (or is told) at a life meeting.
pub(crate) const PERSONAL_PROBLEMS: [&str; 8] = [
    "理论学习不够系统深入，满足于完成规定学习任务",
    "联系群众不够经常，深入基层调查研究不够",
    "工作中有求稳怕乱思想，开拓创新不足",
    "批评和自我批评放不开，讲成绩多、谈问题少",
    "对分管工作抓得不够细，有时存在以会议落实会议的现象",
    "发挥党员先锋模范作用不够明显",
    "参加组织生活不够经常，有时因工作请假",
    "艰苦奋斗意识有所淡化",
];

/// Problems of a branch raised at its organizational life meeting.
pub(crate) const BRANCH_PROBLEMS: [&str; 5] = [
    "“三会一课”记录不够规范，部分会议内容简单",
    "主题党日活动形式较为单一，吸引力不强",
    "对流动党员的教育管理不够到位",
    "发展党员工作计划性不强，青年党员比例偏低",
    "支部服务群众的办法不多",
];

/// Problems of a leadership team raised at its democratic life meeting.
pub(crate) const TEAM_PROBLEMS: [&str; 5] = [
    "领导班子调查研究不够深入，解决群众急难愁盼问题还有差距",
    "落实全面从严治党主体责任存在层层递减现象",
    "推动高质量发展的办法不多，招商引资成效不够明显",
    "对年轻干部的教育管理监督不够严格",
    "精文减会成效还不够明显",
];
