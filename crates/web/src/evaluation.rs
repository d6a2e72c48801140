//! The evaluation behind the pages: one engine per year over the whole tree,
//! built on first use and kept up to date. Recording or deleting an activity
//! through this server updates the engine incrementally; settings,
//! exemptions, members and the tree invalidate it; an entry is also rebuilt
//! when the day changes or after [`MAX_AGE`], so that writes made by other
//! processes (the command line, another server) are seen.

use chrono::{Datelike, NaiveDate};
use rules::{Calendar, Catalogue, Engine};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use store::Store;
use store::activities::Activity;
use store::evaluation::Loaded;

/// How long an evaluation is trusted without a write seen by this server.
pub const MAX_AGE: Duration = Duration::from_secs(300);

/// How many years are kept evaluated; the least recently built goes first.
pub const MAX_YEARS: usize = 3;

/// One year evaluated as of one day.
pub struct Evaluated {
    pub engine: Engine,
    pub loaded: Loaded,
    pub as_of: NaiveDate,
    built: Instant,
}

/// The evaluations of this server, by year.
pub struct Evaluations {
    catalogue: Arc<Catalogue>,
    calendar: Calendar,
    years: Mutex<HashMap<i32, Arc<RwLock<Evaluated>>>>,
    /// Serializes rebuilds so that concurrent first requests build once.
    building: tokio::sync::Mutex<()>,
    /// Counts writes seen, so that a build that read older records is not kept.
    generation: AtomicU64,
}

impl std::fmt::Debug for Evaluations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluations").finish_non_exhaustive()
    }
}

/// Why an evaluation could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EvaluationError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("the records cannot be evaluated: {0}")]
    World(#[from] rules::world::WorldError),
}

impl Evaluations {
    pub fn new(catalogue: Arc<Catalogue>, calendar: Calendar) -> Self {
        Evaluations {
            catalogue,
            calendar,
            years: Mutex::new(HashMap::new()),
            building: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
        }
    }

    /// The catalogue the evaluations use.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    fn cached(&self, year: i32, as_of: NaiveDate) -> Option<Arc<RwLock<Evaluated>>> {
        let years = self.years.lock().ok()?;
        let entry = years.get(&year)?;
        let fresh = entry.read().ok().is_some_and(|e| e.as_of == as_of && e.built.elapsed() < MAX_AGE);
        fresh.then(|| entry.clone())
    }

    /// The evaluation of `year` as of `today` (a past year's last periods stay
    /// overdue, not missed, through their late-entry window).
    pub async fn year(&self, store: &Store, year: i32, today: NaiveDate) -> Result<Arc<RwLock<Evaluated>>, EvaluationError> {
        let as_of = today;
        if let Some(e) = self.cached(year, as_of) {
            return Ok(e);
        }
        let _guard = self.building.lock().await;
        if let Some(e) = self.cached(year, as_of) {
            return Ok(e);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let loaded = store.load_world(&self.catalogue, None, year, as_of).await?;
        let engine = Engine::new(&self.catalogue, self.calendar.clone(), loaded.world.clone(), &loaded.settings, year, as_of)?;
        let entry = Arc::new(RwLock::new(Evaluated { engine, loaded, as_of, built: Instant::now() }));
        // A write seen while the records were read is not in this build: use
        // it for this request only.
        if self.generation.load(Ordering::SeqCst) == generation
            && let Ok(mut years) = self.years.lock()
        {
            if years.len() >= MAX_YEARS {
                let oldest = years.iter().filter_map(|(y, e)| e.read().ok().map(|e| (*y, e.built))).min_by_key(|(_, built)| *built);
                if let Some((y, _)) = oldest {
                    years.remove(&y);
                }
            }
            years.insert(year, entry.clone());
        }
        Ok(entry)
    }

    /// Forgets every evaluation (after a change of settings, exemptions,
    /// members or the tree).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut years) = self.years.lock() {
            years.clear();
        }
    }

    /// Applies a recorded (or changed) activity to the cached evaluation of
    /// its year, updating only the cells it touches.
    pub fn activity_recorded(&self, activity: &Activity) {
        self.apply(activity, false);
    }

    /// Takes a deleted activity out of the cached evaluation of its year.
    pub fn activity_deleted(&self, activity: &Activity) {
        self.apply(activity, true);
    }

    fn apply(&self, activity: &Activity, deleted: bool) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let entry = self.years.lock().ok().and_then(|y| y.get(&activity.held_on.year()).cloned());
        let Some(entry) = entry else { return };
        let applied = match entry.write() {
            Ok(mut guard) => {
                let e = &mut *guard;
                let slot = e.loaded.activity_slot(&activity.id);
                match if deleted { None } else { e.loaded.fact_of(&self.catalogue, activity) } {
                    Some(fact) => e.engine.upsert_activity(slot, fact).is_ok(),
                    None => {
                        e.engine.remove_activity(slot);
                        true
                    }
                }
            }
            Err(_) => false,
        };
        if !applied {
            self.invalidate();
        }
    }
}
