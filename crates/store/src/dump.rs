//! A full, ordered dump of every table, used to prove that an operation
//! changed nothing (re-importing the same file, a refused request).

use crate::schema::DUMP_TABLES;
use crate::{Result, Store};
use sqlx::{Column, Row};

impl Store {
    /// Every row of every table, one line per row, in a stable order.
    pub async fn dump(&self) -> Result<String> {
        let mut out = String::new();
        for (table, order) in DUMP_TABLES {
            let rows = sqlx::query(&format!("SELECT * FROM {table} ORDER BY {order}")).fetch_all(self.pool()).await?;
            for row in rows {
                out.push_str(table);
                for (i, column) in row.columns().iter().enumerate() {
                    let value = match row.try_get::<Option<String>, _>(i) {
                        Ok(v) => v.map_or("NULL".to_owned(), |s| format!("{s:?}")),
                        Err(_) => row.try_get::<Option<i64>, _>(i).ok().flatten().map_or("NULL".to_owned(), |n| n.to_string()),
                    };
                    out.push_str(&format!(" {}={value}", column.name()));
                }
                out.push('\n');
            }
        }
        Ok(out)
    }
}
