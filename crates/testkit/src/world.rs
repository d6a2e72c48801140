//! Trees, people and accounts, written through the store's audited write
//! path by builders that read as the sentences they stand for:
//!
//! ```text
//! let b = Builder::new(&store);
//! let village = b.village("中共石桥村委员会", &township).await;
//! let branch = b.branch("石桥村第三党支部", &village).founded("2025-03-01").await;
//! let secretary = b.member("王书记", &branch).secretary().joined("1995-11-03").await;
//! let account = b.account("zhao", "赵党员").person(&zhao).role(Role::Secretary, &branch).await;
//! ```
//!
//! Every write is its own transaction by the actor `system:test`.
//! Organizations are founded on 2000-01-01, members are full, active and
//! joined on 1998-07-01, and accounts hold [`PASSWORD`] and their roles from
//! 2020-01-01, unless a test says otherwise. [`County`] is the tree most
//! tests start from.

use crate::day;
use domain::access::{Login, Password, Role};
use domain::{
    CadreRank, Field, Id, IdNumber, MemberCategory, MemberStatus, Name, OrgKind, OrgLevel, Organization, PartialDate, Person, PhoneNumber,
    PositionKind, Sex, UnitType,
};
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use store::orgs::NewOrg;
use store::people::NewPerson;
use store::{Actor, Store, StoreError};

/// The password of every account a test creates, unless it says otherwise.
pub const PASSWORD: &str = "correct horse battery";

/// What a builder's `.await` gives back.
type Write<'s, T> = Pin<Box<dyn Future<Output = T> + Send + 's>>;

/// A name, as the domain checks it.
pub fn name(s: &str) -> Name {
    Name::parse(Field::Name, s).unwrap_or_else(|e| panic!("{s:?} is no name: {e}"))
}

/// Writes organizations, people and accounts into one store.
#[derive(Clone, Copy)]
pub struct Builder<'s> {
    store: &'s Store,
}

impl<'s> Builder<'s> {
    pub fn new(store: &'s Store) -> Self {
        Builder { store }
    }

    /// An organization of any level and kind.
    pub fn org(self, name: &str, parent: Option<&Id>, level: OrgLevel, kind: OrgKind) -> OrgBuilder<'s> {
        let new = NewOrg {
            id: None,
            parent_id: parent.cloned(),
            name: self::name(name),
            level,
            kind,
            unit_type: None,
            founded_on: day("2000-01-01"),
        };
        OrgBuilder { store: self.store, new }
    }

    /// A county committee at the root of a tree (its own shard).
    pub fn county(self, name: &str) -> OrgBuilder<'s> {
        self.org(name, None, OrgLevel::County, OrgKind::Committee)
    }

    /// A township (or street) committee.
    pub fn township(self, name: &str, parent: &Id) -> OrgBuilder<'s> {
        self.org(name, Some(parent), OrgLevel::Township, OrgKind::Committee)
    }

    /// A grassroots committee, such as a village's.
    pub fn village(self, name: &str, parent: &Id) -> OrgBuilder<'s> {
        self.org(name, Some(parent), OrgLevel::Grassroots, OrgKind::Committee)
    }

    /// A grassroots general branch (党总支).
    pub fn general_branch(self, name: &str, parent: &Id) -> OrgBuilder<'s> {
        self.org(name, Some(parent), OrgLevel::Grassroots, OrgKind::GeneralBranch)
    }

    /// A branch (党支部).
    pub fn branch(self, name: &str, parent: &Id) -> OrgBuilder<'s> {
        self.org(name, Some(parent), OrgLevel::Grassroots, OrgKind::Branch)
    }

    /// A group of a branch's members (党小组).
    pub fn group(self, name: &str, parent: &Id) -> OrgBuilder<'s> {
        self.org(name, Some(parent), OrgLevel::Grassroots, OrgKind::Group)
    }

    /// A full, active member of `org`, joined on 1998-07-01, holding no post.
    pub fn member(self, name: &str, org: &Id) -> PersonBuilder<'s> {
        let new = NewPerson {
            id: None,
            org_id: org.clone(),
            name: self::name(name),
            sex: None,
            ethnicity: None,
            birth_date: None,
            category: MemberCategory::Full,
            status: MemberStatus::Active,
            join_date: PartialDate::full(day("1998-07-01")),
            full_member_date: None,
            cadre_rank: CadreRank::None,
            id_number: None,
            phone: None,
            positions: Vec::new(),
        };
        PersonBuilder { store: self.store, new }
    }

    /// An account with [`PASSWORD`], linked to no person and holding no role.
    pub fn account(self, login: &str, display_name: &str) -> AccountBuilder<'s> {
        AccountBuilder {
            store: self.store,
            login: login.to_owned(),
            display_name: display_name.to_owned(),
            password: PASSWORD.to_owned(),
            person: None,
            roles: Vec::new(),
        }
    }

    /// Gives `account` the `role` on `org` from 2020-01-01.
    pub async fn grant(self, account: &Id, role: Role, org: &Id) {
        let mut w = self.store.writer(&Actor::system("test")).await.unwrap();
        self.store.add_grant(&mut w, account, role, org, day("2020-01-01")).await.unwrap();
        w.commit().await.unwrap();
    }

    /// Closes the empty organization `org` on `on` (`YYYY-MM-DD`).
    pub async fn close(self, org: &Id, on: &str) {
        let version = self.store.org(org, day(on)).await.unwrap().unwrap_or_else(|| panic!("no organization {org} on {on}")).version;
        let mut w = self.store.writer(&Actor::system("test")).await.unwrap();
        self.store.close_org(&mut w, org, day(on), version).await.unwrap();
        w.commit().await.unwrap();
    }
}

/// An organization about to be founded.
pub struct OrgBuilder<'s> {
    store: &'s Store,
    new: NewOrg,
}

impl<'s> OrgBuilder<'s> {
    /// Founded on `on` (`YYYY-MM-DD`) instead of 2000-01-01.
    pub fn founded(mut self, on: &str) -> Self {
        self.new.founded_on = day(on);
        self
    }

    /// The organization of a unit of this type.
    pub fn unit(mut self, unit: UnitType) -> Self {
        self.new.unit_type = Some(unit);
        self
    }

    /// What would be written, for a test that writes it itself.
    pub fn build(self) -> NewOrg {
        self.new
    }

    /// Founds it, or says why the store refused.
    pub async fn try_create(self) -> Result<Organization, StoreError> {
        let mut w = self.store.writer(&Actor::system("test")).await?;
        let org = self.store.create_org(&mut w, self.new).await?;
        w.commit().await?;
        Ok(org)
    }
}

impl<'s> IntoFuture for OrgBuilder<'s> {
    type Output = Id;
    type IntoFuture = Write<'s, Id>;

    /// Founds it and gives its id.
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let name = self.new.name.to_string();
            self.try_create().await.unwrap_or_else(|e| panic!("founding {name}: {e}")).id
        })
    }
}

/// A member about to be recorded.
pub struct PersonBuilder<'s> {
    store: &'s Store,
    new: NewPerson,
}

impl<'s> PersonBuilder<'s> {
    /// Joined the party on `on`: `YYYY-MM-DD`, or `YYYY-MM` when the day is not known.
    pub fn joined(mut self, on: &str) -> Self {
        self.new.join_date = PartialDate::parse_iso(on).unwrap_or_else(|| panic!("{on} is no join date"));
        self
    }

    /// A probationary member (预备党员), who joined on `on` (`YYYY-MM-DD`) and has no vote yet.
    pub fn probationary(mut self, on: &str) -> Self {
        self.new.category = MemberCategory::Probationary;
        self.new.join_date = PartialDate::full(day(on));
        self.new.full_member_date = None;
        self
    }

    /// A full member since `on` (`YYYY-MM-DD`).
    pub fn full_member_since(mut self, on: &str) -> Self {
        self.new.full_member_date = Some(PartialDate::full(day(on)));
        self
    }

    pub fn born(mut self, on: &str) -> Self {
        self.new.birth_date = Some(PartialDate::full(day(on)));
        self
    }

    pub fn female(mut self) -> Self {
        self.new.sex = Some(Sex::Female);
        self
    }

    pub fn ethnicity(mut self, ethnicity: &str) -> Self {
        self.new.ethnicity = Some(ethnicity.to_owned());
        self
    }

    pub fn status(mut self, status: MemberStatus) -> Self {
        self.new.status = status;
        self
    }

    /// The ID number made from these first 17 digits and their check character.
    pub fn id_number(mut self, first17: &str) -> Self {
        self.new.id_number = Some(IdNumber::with_check_char(first17).unwrap_or_else(|| panic!("{first17}: not 17 digits")));
        self
    }

    pub fn phone(mut self, phone: &str) -> Self {
        self.new.phone = Some(PhoneNumber::parse(phone).unwrap_or_else(|e| panic!("{phone}: {e}")));
        self
    }

    pub fn cadre(mut self, rank: CadreRank) -> Self {
        self.new.cadre_rank = rank;
        self
    }

    /// Holds the post `kind` in the organization `org`.
    pub fn holds_in(mut self, org: &Id, kind: PositionKind) -> Self {
        self.new.positions.push((org.clone(), kind));
        self
    }

    /// Holds the post `kind` in their own organization.
    pub fn holds(self, kind: PositionKind) -> Self {
        let org = self.new.org_id.clone();
        self.holds_in(&org, kind)
    }

    /// The secretary of their own organization.
    pub fn secretary(self) -> Self {
        self.holds(PositionKind::Secretary)
    }

    /// A committee member of their own organization.
    pub fn committee_member(self) -> Self {
        self.holds(PositionKind::CommitteeMember)
    }

    /// A county-level cadre on the leadership of `org`.
    pub fn leads(self, org: &Id) -> Self {
        self.holds_in(org, PositionKind::LeadershipMember).cadre(CadreRank::County)
    }

    /// What would be written, for a test that writes it itself.
    pub fn build(self) -> NewPerson {
        self.new
    }

    /// Records them, or says why the store refused.
    pub async fn try_create(self) -> Result<Person, StoreError> {
        let mut w = self.store.writer(&Actor::system("test")).await?;
        let person = self.store.create_person(&mut w, self.new).await?;
        w.commit().await?;
        Ok(person)
    }
}

impl<'s> IntoFuture for PersonBuilder<'s> {
    type Output = Id;
    type IntoFuture = Write<'s, Id>;

    /// Records them and gives their id.
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let name = self.new.name.to_string();
            self.try_create().await.unwrap_or_else(|e| panic!("recording {name}: {e}")).id
        })
    }
}

/// An account about to be created.
pub struct AccountBuilder<'s> {
    store: &'s Store,
    login: String,
    display_name: String,
    password: String,
    person: Option<Id>,
    roles: Vec<(Role, Id)>,
}

impl<'s> AccountBuilder<'s> {
    /// The account of this member.
    pub fn person(mut self, person: &Id) -> Self {
        self.person = Some(person.clone());
        self
    }

    /// Holds `role` on `org` from 2020-01-01.
    pub fn role(mut self, role: Role, org: &Id) -> Self {
        self.roles.push((role, org.clone()));
        self
    }

    pub fn password(mut self, password: &str) -> Self {
        self.password = password.to_owned();
        self
    }
}

impl<'s> IntoFuture for AccountBuilder<'s> {
    type Output = Id;
    type IntoFuture = Write<'s, Id>;

    /// Creates it with its roles and gives its id.
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let store = self.store;
            let mut w = store.writer(&Actor::system("test")).await.unwrap();
            let login = Login::parse(&self.login).unwrap();
            let password = Password::parse(&self.password, &login).unwrap();
            let account = store.create_account(&mut w, login, name(&self.display_name), self.person, &password, false).await.unwrap();
            for (role, org) in &self.roles {
                store.add_grant(&mut w, &account.id, *role, org, day("2020-01-01")).await.unwrap();
            }
            w.commit().await.unwrap();
            account.id
        })
    }
}

/// The tree most tests start from, all founded on 2000-01-01:
///
/// ```text
/// 中共青川县委员会 (county)
/// └─ 中共临溪镇委员会 (township)
///    └─ 中共石桥村委员会 (village committee)
///       ├─ 石桥村第一党支部 (branch)
///       │  └─ 第一党小组 (group)
///       └─ 石桥村第二党支部 (other_branch)
/// ```
///
/// The village's organizations are those of a village unit. Nobody is in it yet.
#[derive(Clone, Debug)]
pub struct County {
    pub county: Id,
    pub township: Id,
    pub village: Id,
    pub branch: Id,
    pub group: Id,
    pub other_branch: Id,
}

impl County {
    pub async fn build(store: &Store) -> County {
        let b = Builder::new(store);
        let county = b.county("中共青川县委员会").await;
        let township = b.township("中共临溪镇委员会", &county).await;
        let village = b.village("中共石桥村委员会", &township).unit(UnitType::Village).await;
        let branch = b.branch("石桥村第一党支部", &village).unit(UnitType::Village).await;
        let group = b.group("第一党小组", &branch).await;
        let other_branch = b.branch("石桥村第二党支部", &village).unit(UnitType::Village).await;
        County { county, township, village, branch, group, other_branch }
    }
}

/// The [`County`] with its first branch's secretary: 王建国, 汉族, joined
/// 1995-07-01, a full member since 1996-07-01, with an ID number
/// (51082319700307123 and its check character) and the phone 13800138000.
/// `tree.branch` reads the county's tree, `tree.secretary` the person.
pub struct SmallTree {
    pub orgs: County,
    pub secretary: Id,
}

impl std::ops::Deref for SmallTree {
    type Target = County;

    fn deref(&self) -> &County {
        &self.orgs
    }
}

impl SmallTree {
    pub async fn build(store: &Store) -> SmallTree {
        let orgs = County::build(store).await;
        let secretary = Builder::new(store)
            .member("王建国", &orgs.branch)
            .secretary()
            .ethnicity("汉族")
            .joined("1995-07-01")
            .full_member_since("1996-07-01")
            .id_number("51082319700307123")
            .phone("13800138000")
            .await;
        SmallTree { orgs, secretary }
    }
}
