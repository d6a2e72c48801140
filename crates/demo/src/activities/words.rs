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
