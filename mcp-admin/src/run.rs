//! Running an import: the file is read on a blocking thread by the
//! [`crate::import::Importer`] and handed over in batches of at most
//! [`BATCH`] products through a channel of two batches, so memory stays
//! bounded whatever the file size; each batch goes to the Museo bulk
//! endpoint (upsert by SKU, so re-running a file creates nothing new).
//! Progress is reported after each batch; cancellation is checked between
//! batches and stops the reader too (it blocks on the full channel, and a
//! closed channel ends it).

use std::collections::{HashSet, VecDeque};
use std::hash::{Hash as _, Hasher as _};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use museo_sdk::museo::MuseoClient;
use museo_sdk::telemetry::TraceContext;
use museo_sdk::types::{BulkMode, BulkOutcome, BulkRequest, BulkResponse};
use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::{Peer, RoleServer};
use tokio_util::sync::CancellationToken;

use crate::import::{Format, ImportItem, ImportOptions, Importer, RowError, Source};
use crate::server::{ImportArgs, api_error, elapsed_ms};
use crate::views::{ImportReport, PlanEntry, RowFailure};

/// Products per bulk request (the API's maximum).
pub const BATCH: usize = 1000;
/// Bulk requests in flight at once.
pub const IN_FLIGHT: usize = 2;
/// Failures and plan entries listed in a report (the counts are complete).
pub const LISTED: usize = 1000;
/// Largest inline `content`.
pub const MAX_CONTENT_BYTES: usize = 50 << 20;
/// Files larger than this always run in the background.
pub const BACKGROUND_BYTES: u64 = 100 << 20;

/// A validated import request.
#[derive(Debug)]
pub struct ImportRequest {
    /// What to read.
    pub source: Source,
    /// How to read it.
    pub options: ImportOptions,
    /// Write nothing.
    pub dry_run: bool,
    /// Upsert or create.
    pub mode: BulkMode,
    /// Run as a job.
    pub background: bool,
}

impl ImportRequest {
    /// Checks the tool's arguments.
    pub fn from_args(args: &ImportArgs) -> Result<Self, String> {
        let format = match args
            .format
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            Some(name) => Some(name.to_ascii_lowercase().parse::<Format>().map_err(|_| {
                format!(
                    "format {:?} is not one of csv, xlsx, xls, ods, json, ndjson",
                    name.chars().take(20).collect::<String>()
                )
            })?),
            None => None,
        };
        let currency = args
            .currency
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or("EUR")
            .to_ascii_uppercase();
        museo_sdk::types::Currency::parse(&currency)
            .map_err(|_| format!("currency {currency:?} is not an ISO 4217 code such as EUR"))?;
        let (source, size) = match (args.path.as_deref(), args.content.as_deref()) {
            (Some(_), Some(_)) => return Err("give path or content, not both".to_owned()),
            (None, None) => {
                return Err("nothing to import: give `path` (a file on this server's machine) or `content` (the file's text, or base64: for binary files)".to_owned());
            }
            (Some(path), None) => {
                let path = PathBuf::from(path.trim());
                let meta = std::fs::metadata(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                if !meta.is_file() {
                    return Err(format!("{} is not a regular file", path.display()));
                }
                (Source::Path(path), meta.len())
            }
            (None, Some(content)) => {
                if content.len() > MAX_CONTENT_BYTES {
                    return Err(format!(
                        "content is {} MB; inline content is limited to {} MB — save the file and pass its path",
                        content.len() >> 20,
                        MAX_CONTENT_BYTES >> 20
                    ));
                }
                if content.trim().is_empty() {
                    return Err("content is empty".to_owned());
                }
                let bytes = crate::import::decode_content(content).map_err(|e| e.to_string())?;
                let size = bytes.len() as u64;
                (Source::Bytes(bytes), size)
            }
        };
        Ok(Self {
            source,
            options: ImportOptions {
                format,
                default_currency: currency,
                publish: args.publish,
            },
            dry_run: args.dry_run.unwrap_or(false),
            mode: args.mode.unwrap_or_default(),
            background: args.background.unwrap_or(size > BACKGROUND_BYTES),
        })
    }
}

/// Where progress goes.
#[derive(Debug, Clone)]
pub enum Progress {
    /// MCP progress notifications, when the caller sent a progress token.
    Peer {
        /// The caller.
        peer: Peer<RoleServer>,
        /// Its token; `None`: it did not ask for progress.
        token: Option<ProgressToken>,
    },
    /// A background job's report, updated in place.
    Job(Arc<Mutex<ImportReport>>),
}

impl Progress {
    async fn report(&self, report: &ImportReport, bytes: u64, total: Option<u64>) {
        match self {
            Progress::Peer {
                peer,
                token: Some(token),
            } => {
                let mut param = ProgressNotificationParam::new(token.clone(), bytes as f64);
                param.total = total.map(|t| t as f64);
                param.message = Some(format!(
                    "{} rows read: {} created, {} updated, {} unchanged, {} failed",
                    report.rows_read,
                    report.created,
                    report.updated,
                    report.unchanged,
                    report.failed_count
                ));
                if let Err(e) = peer.notify_progress(param).await {
                    tracing::debug!(error = %e, "progress notification not delivered");
                }
            }
            Progress::Peer { token: None, .. } => {}
            Progress::Job(shared) => {
                if let Ok(mut shared) = shared.lock() {
                    *shared = report.clone();
                }
            }
        }
    }
}

/// One batch from the reader.
#[derive(Debug, Default)]
struct Batch {
    items: Vec<ImportItem>,
    errors: Vec<RowError>,
    rows_read: u64,
    bytes_read: u64,
    warnings: Vec<String>,
}

/// Who runs the import and for whom.
#[derive(Debug, Clone)]
pub struct Run {
    /// The API client (with the service account).
    pub client: MuseoClient,
    /// The verified admin, if any.
    pub on_behalf_of: Option<String>,
    /// The trace of the tool call.
    pub ctx: TraceContext,
}

impl Run {
    /// Reads the file and writes it in batches; the report says what happened,
    /// also when the import stopped early. An `Err` means nothing was read.
    pub async fn execute(
        &self,
        request: ImportRequest,
        progress: Progress,
        cancel: CancellationToken,
    ) -> Result<ImportReport, String> {
        let started = Instant::now();
        let ImportRequest {
            source,
            options,
            dry_run,
            mode,
            ..
        } = request;
        let importer = tokio::task::spawn_blocking(move || Importer::open(source, &options))
            .await
            .map_err(|e| format!("the reader failed: {e}"))?
            .map_err(|e| e.to_string())?;
        let mut report = ImportReport {
            status: "running".into(),
            dry_run,
            mode: match mode {
                BulkMode::Upsert => "upsert".into(),
                BulkMode::Create => "create".into(),
            },
            format: importer.format().to_string(),
            layout: importer.layout().to_string(),
            ..ImportReport::default()
        };
        let total = importer.total_bytes();
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(1);
        let reader = tokio::task::spawn_blocking(move || read_batches(importer, &tx));
        let mut seen: HashSet<u64> = HashSet::new();
        // Two bulk requests in flight: while the API writes one batch, the
        // next is serialised and sent. SKUs are unique across the file (see
        // `seen`), so the two can never touch the same product.
        let mut in_flight: VecDeque<InFlight> = VecDeque::new();
        let mut receiving = true;
        loop {
            let batch = if receiving && in_flight.len() < IN_FLIGHT {
                rx.recv().await
            } else {
                None
            };
            match batch {
                Some(batch) => {
                    report.rows_read = batch.rows_read;
                    report.warnings.extend(batch.warnings);
                    for error in batch.errors {
                        fail(&mut report, error.row, None, error.to_string());
                    }
                    let mut items = Vec::with_capacity(batch.items.len());
                    for item in batch.items {
                        if let Some(sku) = &item.input.sku {
                            let mut hasher = std::collections::hash_map::DefaultHasher::new();
                            sku.to_ascii_lowercase().hash(&mut hasher);
                            if !seen.insert(hasher.finish()) {
                                fail(
                                    &mut report,
                                    item.row,
                                    Some(sku.clone()),
                                    format!(
                                        "SKU {sku} appears earlier in the file; this row was not imported"
                                    ),
                                );
                                continue;
                            }
                        }
                        items.push(item);
                    }
                    if !items.is_empty() {
                        let rows: Vec<(u64, Option<String>)> =
                            items.iter().map(|i| (i.row, i.input.sku.clone())).collect();
                        let request = BulkRequest {
                            mode,
                            dry_run,
                            items: items.into_iter().map(|i| i.input).collect(),
                        };
                        let client = self.client.clone();
                        let on_behalf_of = self.on_behalf_of.clone();
                        let ctx = self.ctx;
                        let task = tokio::spawn(async move {
                            client
                                .admin_bulk(&request, on_behalf_of.as_deref(), &ctx)
                                .await
                        });
                        in_flight.push_back(InFlight {
                            rows,
                            bytes_read: batch.bytes_read,
                            task,
                        });
                    } else {
                        report.duration_ms = elapsed_ms(started);
                        progress.report(&report, batch.bytes_read, total).await;
                    }
                    if in_flight.len() < IN_FLIGHT {
                        continue;
                    }
                }
                None => receiving = false,
            }
            let Some(mut next) = in_flight.pop_front() else {
                if receiving {
                    continue;
                }
                break;
            };
            let response = tokio::select! {
                joined = &mut next.task => joined.map_err(|e| museo_sdk::museo::MuseoError::Transport(e.to_string())).and_then(|r| r),
                () = cancel.cancelled() => {
                    next.task.abort();
                    report.stopped = Some("cancelled while a batch was being written; that batch may or may not be in the catalog, re-running the file is safe".into());
                    report.status = "cancelled".into();
                    break;
                }
            };
            match response {
                Ok(response) => apply(&mut report, &next.rows, response, dry_run),
                Err(e) => {
                    report.stopped = Some(format!(
                        "stopped at row {}: {} Products before it were imported; re-running the file is safe (upsert by SKU)",
                        next.rows.first().map_or(0, |r| r.0),
                        api_error(&e, &self.ctx)
                    ));
                    report.status = "failed".into();
                    break;
                }
            }
            report.duration_ms = elapsed_ms(started);
            progress.report(&report, next.bytes_read, total).await;
            if cancel.is_cancelled() {
                report.stopped = Some("cancelled: rows after this point were not imported; re-running the file is safe".into());
                report.status = "cancelled".into();
                break;
            }
        }
        for pending in in_flight {
            pending.task.abort();
        }
        drop(rx);
        let _ = reader.await;
        if report.status == "running" {
            report.status = "done".into();
        }
        report.duration_ms = elapsed_ms(started);
        progress.report(&report, total.unwrap_or(0), total).await;
        Ok(report)
    }
}

/// A bulk request on its way.
#[derive(Debug)]
struct InFlight {
    rows: Vec<(u64, Option<String>)>,
    bytes_read: u64,
    task: tokio::task::JoinHandle<Result<BulkResponse, museo_sdk::museo::MuseoError>>,
}

/// Counts one bulk answer into the report.
fn apply(
    report: &mut ImportReport,
    rows: &[(u64, Option<String>)],
    response: BulkResponse,
    dry_run: bool,
) {
    report.products += rows.len() as u64;
    for result in response.results {
        let (row, sku) = rows
            .get(result.index)
            .cloned()
            .unwrap_or((0, result.sku.clone()));
        let sku = result.sku.clone().or(sku);
        let action = match result.outcome {
            BulkOutcome::Created => {
                report.created += 1;
                "create"
            }
            BulkOutcome::Updated => {
                report.updated += 1;
                "update"
            }
            BulkOutcome::Unchanged => {
                report.unchanged += 1;
                "skip"
            }
            BulkOutcome::Failed => {
                let error = result.error.map_or_else(
                    || "refused".to_owned(),
                    |e| match e.field {
                        Some(field) => format!("field {field}: {}", e.message),
                        None => e.message,
                    },
                );
                fail(report, row, sku, error);
                continue;
            }
        };
        if dry_run && report.plan.len() < LISTED {
            report.plan.push(PlanEntry {
                row,
                sku,
                action: action.into(),
            });
        }
    }
}

fn fail(report: &mut ImportReport, row: u64, sku: Option<String>, error: String) {
    report.failed_count += 1;
    if report.failed.len() < LISTED {
        report.failed.push(RowFailure { row, sku, error });
    }
}

/// The reader thread: batches of items and errors until the file ends or
/// the receiver goes away (cancelled, failed).
fn read_batches(mut importer: Importer, tx: &tokio::sync::mpsc::Sender<Batch>) {
    let mut batch = Batch::default();
    loop {
        let next = importer.next();
        let done = next.is_none();
        match next {
            Some(Ok(item)) => batch.items.push(item),
            Some(Err(error)) => batch.errors.push(error),
            None => batch.warnings = importer.warnings().to_vec(),
        }
        if done || batch.items.len() >= BATCH || batch.errors.len() >= BATCH {
            batch.rows_read = importer.rows_read();
            batch.bytes_read = importer.bytes_read();
            if tx.blocking_send(std::mem::take(&mut batch)).is_err() || done {
                return;
            }
        }
    }
}
