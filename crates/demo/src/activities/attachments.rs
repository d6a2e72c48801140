//! Attachments: a "scan" of the minutes (a one-page PDF) for the committee
//! meetings of the secretary's branch and the latest standing committee
//! meetings of the county committee that have minutes, and for some of them
//! a picture of the signed sign-in sheet (a PNG). Only meetings with minutes
//! get a file, and never because anyone demanded one.

use super::{DemoAttachment, Gen, kind};
use crate::files::{Line, pdf, sign_in_sheet};
use crate::random::Random;
use std::collections::HashSet;

/// How many of the county committee's latest standing committee meetings get a scan.
const COUNTY_MEETINGS: usize = 14;

/// Out of a thousand scanned meetings, how many also get a sign-in sheet.
const SHEET_PER_MILLE: u32 = 350;

/// The files attached to held activities.
pub(crate) fn make(r: &mut Random, g: &Gen) -> Vec<DemoAttachment> {
    let secretary = super::secretary_branch(g);
    let with_minutes = |i: &usize| g.out.get(*i).is_some_and(|a| a.minutes.is_some());
    let mut chosen: Vec<usize> = (0..g.out.len())
        .filter(with_minutes)
        .filter(|&i| g.out.get(i).is_some_and(|a| a.kind == kind::BRANCH_COMMITTEE && Some(a.host) == secretary))
        .collect();
    let mut county: Vec<usize> = (0..g.out.len())
        .filter(with_minutes)
        .filter(|&i| g.out.get(i).is_some_and(|a| a.kind == kind::STANDING_COMMITTEE && a.host == g.tree.root))
        .collect();
    county.sort_by_key(|&i| std::cmp::Reverse(g.out.get(i).map(|a| (a.held_on, a.id.clone()))));
    chosen.extend(county.into_iter().take(COUNTY_MEETINGS));
    let mut out = Vec::new();
    let mut names = HashSet::new();
    for i in chosen {
        let Some(a) = g.out.get(i) else { continue };
        let Some(minutes) = &a.minutes else { continue };
        let host = g.tree.orgs.get(a.host).map(|o| o.name.as_str()).unwrap_or_default();
        let mut lines = vec![Line { size: 15, text: host.to_owned() }, Line { size: 15, text: format!("{}记录", a.title) }];
        lines.push(Line { size: 11, text: String::new() });
        lines.extend(minutes.text.lines().map(|l| Line { size: 11, text: l.to_owned() }));
        // Two meetings of a month share a title; their files do not share a name.
        let mut file_name = format!("{}记录.pdf", a.title);
        if !names.insert(file_name.clone()) {
            file_name = format!("{}记录（{}）.pdf", a.title, a.held_on.format("%m-%d"));
            names.insert(file_name.clone());
        }
        out.push(DemoAttachment { activity: i, file_name, bytes: pdf(&lines) });
        if r.chance(SHEET_PER_MILLE) {
            let present = a.participants.len() - a.absentees.len();
            out.push(DemoAttachment { activity: i, file_name: "签到表.png".to_owned(), bytes: sign_in_sheet(r, present) });
        }
    }
    out
}
