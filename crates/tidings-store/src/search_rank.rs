//! `tidings_rank`, the SQLite search's ranking function: BM25's weighting of
//! term frequency against document length, without its inverse document
//! frequency.
//!
//! FTS5's built-in `bm25()` counts, once per query, every document that
//! contains each query word (`xQueryPhrase` over the whole index), to
//! weigh rare words above common ones. On a million articles a common word
//! matches hundreds of thousands of rows, so every search paid 20–30 ms of
//! CPU for that count, however few candidates it then ranked. Searches
//! match every word (an implicit AND), so every candidate holds every word
//! and the weights only trade one word's frequency against another's;
//! dropping them costs little relevance and makes a search's cost follow
//! the candidates it ranks, not the size of the collection.
//!
//! FTS5 takes ranking functions only through its C API, hence the one
//! `unsafe` module of the workspace: it registers the function on each new
//! connection and reads, for the row being ranked, its match positions and
//! column lengths.

#![allow(unsafe_code)]

use std::ffi::{CStr, c_int, c_void};
use std::ptr;

use libsqlite3_sys as ffi;
use sqlx::sqlite::SqliteConnection;

/// BM25's usual constants: term-frequency saturation and length
/// normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Columns an FTS table of ours has at most (title, text).
const MAX_COLUMNS: usize = 8;
/// Words a query has at most (see `fts5_query`).
const MAX_PHRASES: usize = 64;

const NAME: &CStr = c"tidings_rank";

/// Registers `tidings_rank(fts_table, weight_of_column_0, weight_of_column_1, …)`
/// on `conn`. Like `bm25()`, it returns the negated score: lower is better.
pub(crate) async fn register(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is a live connection held locked for the whole block;
    // the statement is finalised before the block ends, and `api` is only
    // used while the connection (which owns the FTS5 module) is open.
    let rc = unsafe {
        let api = fts5_api(db)?;
        match (*api).xCreateFunction {
            Some(create) => create(api, NAME.as_ptr(), ptr::null_mut(), Some(rank), None),
            None => ffi::SQLITE_ERROR,
        }
    };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(sqlx::Error::Configuration(
            format!("could not register tidings_rank with FTS5 (SQLite code {rc})").into(),
        ))
    }
}

/// The connection's FTS5 API, found the documented way: `SELECT fts5(?1)`
/// with a pointer bound to the parameter.
///
/// # Safety
/// `db` must be a valid, open connection not used concurrently.
unsafe fn fts5_api(db: *mut ffi::sqlite3) -> Result<*mut ffi::fts5_api, sqlx::Error> {
    let fail = |what: &str| sqlx::Error::Configuration(format!("FTS5 unavailable: {what}").into());
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    let mut stmt: *mut ffi::sqlite3_stmt = ptr::null_mut();
    // SAFETY: as the caller promises; `api` outlives the statement.
    unsafe {
        if ffi::sqlite3_prepare_v2(
            db,
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &mut stmt,
            ptr::null_mut(),
        ) != ffi::SQLITE_OK
        {
            return Err(fail("cannot prepare SELECT fts5(?1)"));
        }
        ffi::sqlite3_bind_pointer(
            stmt,
            1,
            (&mut api as *mut *mut ffi::fts5_api).cast::<c_void>(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(stmt);
        ffi::sqlite3_finalize(stmt);
    }
    if api.is_null() {
        Err(fail("no API pointer"))
    } else {
        Ok(api)
    }
}

/// The ranking function FTS5 calls once per matching row.
unsafe extern "C" fn rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n_args: c_int,
    args: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 passes a valid API table, context and argument array of
    // `n_args` values for the duration of this call.
    unsafe {
        match score(&*api, fts, n_args, args) {
            Some(score) => ffi::sqlite3_result_double(ctx, -score),
            None => ffi::sqlite3_result_error(ctx, c"tidings_rank failed".as_ptr(), -1),
        }
    }
}

/// Σ over words and columns of `weight · tf·(K1+1) / (tf + K1·(1 − B + B·len/avglen))`.
///
/// # Safety
/// As for [`rank`].
unsafe fn score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    n_args: c_int,
    args: *mut *mut ffi::sqlite3_value,
) -> Option<f64> {
    // SAFETY: every call goes through FTS5's own API table with the context
    // it gave us; out-pointers are locals; indexes are bounds-checked.
    unsafe {
        let averages = averages(api, fts)?;
        let columns = averages.columns;
        let phrases = (api.xPhraseCount?(fts).max(0) as usize).min(MAX_PHRASES);

        // Term frequency of each word in each column of this row.
        let mut tf = [[0u32; MAX_COLUMNS]; MAX_PHRASES];
        let mut instances: c_int = 0;
        ok(api.xInstCount?(fts, &mut instances))?;
        for i in 0..instances {
            let (mut phrase, mut column, mut offset) = (0, 0, 0);
            ok(api.xInst?(fts, i, &mut phrase, &mut column, &mut offset))?;
            if let (Ok(p), Ok(c)) = (usize::try_from(phrase), usize::try_from(column))
                && p < phrases
                && c < columns
            {
                tf[p][c] += 1;
            }
        }

        let mut total = 0.0;
        for column in 0..columns {
            let weight = if (column as c_int) < n_args {
                ffi::sqlite3_value_double(*args.add(column))
            } else {
                1.0
            };
            if weight == 0.0 {
                continue;
            }
            let mut length: c_int = 0;
            ok(api.xColumnSize?(fts, column as c_int, &mut length))?;
            let norm = K1 * (1.0 - B + B * f64::from(length) / averages.length[column]);
            for row in tf.iter().take(phrases) {
                let f = f64::from(row[column]);
                if f > 0.0 {
                    total += weight * f * (K1 + 1.0) / (f + norm);
                }
            }
        }
        Some(total)
    }
}

/// The table's average column lengths, the same for every row of a query:
/// worked out for its first row and kept in FTS5's per-query slot.
struct Averages {
    columns: usize,
    length: [f64; MAX_COLUMNS],
}

/// # Safety
/// As for [`rank`].
unsafe fn averages<'q>(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
) -> Option<&'q Averages> {
    // SAFETY: the slot holds either nothing or a pointer this function
    // stored, which FTS5 frees (through `drop_averages`) only when the query
    // ends, after every call that could read it.
    unsafe {
        let kept = api.xGetAuxdata?(fts, 0).cast::<Averages>();
        if !kept.is_null() {
            return Some(&*kept);
        }
        let columns = (api.xColumnCount?(fts).max(0) as usize).min(MAX_COLUMNS);
        let mut rows: i64 = 0;
        ok(api.xRowCount?(fts, &mut rows))?;
        let mut length = [1.0; MAX_COLUMNS];
        for (column, average) in length.iter_mut().enumerate().take(columns) {
            let mut total: i64 = 0;
            ok(api.xColumnTotalSize?(fts, column as c_int, &mut total))?;
            if rows > 0 && total > 0 {
                *average = total as f64 / rows as f64;
            }
        }
        let kept = Box::into_raw(Box::new(Averages { columns, length }));
        if api.xSetAuxdata?(fts, kept.cast::<c_void>(), Some(drop_averages)) != ffi::SQLITE_OK {
            // FTS5 has already called `drop_averages` on it.
            return None;
        }
        Some(&*kept)
    }
}

unsafe extern "C" fn drop_averages(kept: *mut c_void) {
    // SAFETY: FTS5 hands back, once, the pointer `averages` made with
    // `Box::into_raw`.
    drop(unsafe { Box::from_raw(kept.cast::<Averages>()) });
}

fn ok(rc: c_int) -> Option<()> {
    (rc == ffi::SQLITE_OK).then_some(())
}
