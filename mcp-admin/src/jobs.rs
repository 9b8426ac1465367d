//! Background imports: started by `import_products` (`background: true`, or
//! a file over 100 MB), polled and cancelled with `get_import_job`. Jobs
//! live in memory, so a restart forgets them; what they wrote stays, and
//! re-running the file is safe because imports upsert by SKU.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use crate::run::{ImportRequest, Progress, Run};
use crate::views::ImportReport;

#[derive(Debug)]
struct Job {
    report: Arc<Mutex<ImportReport>>,
    cancel: CancellationToken,
}

/// The background imports of this process.
#[derive(Debug, Default)]
pub struct Jobs {
    jobs: Mutex<HashMap<String, Job>>,
}

impl Jobs {
    /// Starts `request` in the background; returns its first report.
    pub fn start(&self, run: Run, request: ImportRequest) -> ImportReport {
        let id = format!("job_{}", &run.ctx.child().traceparent()[36..52]);
        let first = ImportReport {
            status: "running".into(),
            job_id: Some(id.clone()),
            dry_run: request.dry_run,
            ..ImportReport::default()
        };
        let report = Arc::new(Mutex::new(first.clone()));
        let cancel = CancellationToken::new();
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.insert(
                id.clone(),
                Job {
                    report: report.clone(),
                    cancel: cancel.clone(),
                },
            );
        }
        tokio::spawn(async move {
            let outcome = run
                .execute(request, Progress::Job(report.clone()), cancel)
                .await;
            if let Ok(mut shared) = report.lock() {
                match outcome {
                    Ok(mut done) => {
                        done.job_id = Some(id);
                        *shared = done;
                    }
                    Err(error) => {
                        shared.status = "failed".into();
                        shared.stopped = Some(error);
                    }
                }
            }
        });
        first
    }

    /// The job's current report (cancelling it first when asked).
    pub fn get(&self, id: &str, cancel: bool) -> Option<ImportReport> {
        let jobs = self.jobs.lock().ok()?;
        let job = jobs.get(id)?;
        if cancel {
            job.cancel.cancel();
        }
        let mut report = job.report.lock().ok()?.clone();
        report.job_id = Some(id.to_owned());
        Some(report)
    }
}
