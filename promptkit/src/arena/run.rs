//! Running a suite: each case by its kind, bounded concurrency, the run budget, pass
//! thresholds over trials, and the totals.

use std::time::Instant;

use futures_util::StreamExt;
use promptkit_build::plan::{Case, CaseKind};

use super::results::{CaseResult, RunBudget, RunResult, case_name};
use super::suite::Suite;

impl Suite {
    /// Runs one case.
    pub async fn run_case(&self, case: &Case) -> CaseResult {
        let started = Instant::now();
        let outcome = match case.kind {
            CaseKind::Scenario => super::case::run(self, case).await,
            CaseKind::Eval => super::evals::run(self, case).await,
        };
        let mut result = outcome.unwrap_or_else(|error| {
            CaseResult::error(
                &case.scenario,
                &case.provider,
                case.trial,
                case.trials,
                error,
            )
        });
        result.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        result
    }

    /// Runs every case with bounded concurrency; results are in plan order.
    /// `progress` is called as each case finishes.
    pub async fn run(&self, progress: impl FnMut(&CaseResult)) -> RunResult {
        self.run_until(progress, std::future::pending()).await
    }

    /// [`Suite::run`] until `stop` completes (the command line passes Ctrl-C): no case
    /// starts after it, cases in flight are dropped, servers are shut down, and the
    /// result holds the finished cases, marked [`RunResult::interrupted`].
    pub async fn run_until(
        &self,
        mut progress: impl FnMut(&CaseResult),
        stop: impl Future<Output = ()>,
    ) -> RunResult {
        let started = Instant::now();
        let concurrency = self
            .options
            .concurrency
            .or_else(|| {
                self.project
                    .arena
                    .spec
                    .value
                    .defaults
                    .as_ref()
                    .and_then(|d| d.concurrency.as_ref())
                    .and_then(|c| usize::try_from(c.value).ok())
            })
            .unwrap_or(1)
            .max(1);
        let cases = self.cases();
        self.mcp.plan(
            cases
                .iter()
                .filter(|c| c.kind == CaseKind::Scenario)
                .map(|c| c.scenario.as_str()),
        );
        let mut results = Vec::with_capacity(cases.len());
        let budget = self.options.max_cost_usd;
        let spent = std::cell::Cell::new(0.0_f64);
        let not_started = std::cell::RefCell::new(Vec::new());
        let mut stream = futures_util::stream::iter(cases.iter().filter(|c| {
            let over = budget.is_some_and(|b| spent.get() >= b);
            if over {
                not_started.borrow_mut().push(case_name(
                    &c.scenario,
                    &c.provider,
                    c.trial,
                    c.trials,
                ));
            }
            !over
        }))
        .map(|c| self.run_case(c))
        .buffered(concurrency);
        let mut stop = std::pin::pin!(stop);
        let mut interrupted = false;
        loop {
            let next = tokio::select! {
                biased;
                () = &mut stop => {
                    interrupted = true;
                    None
                }
                next = stream.next() => next,
            };
            let Some(result) = next else { break };
            spent.set(spent.get() + result.cost_usd.unwrap_or(0.0));
            progress(&result);
            results.push(result);
        }
        drop(stream);
        self.shutdown().await;
        super::trials::apply_pass_thresholds(&mut results);
        let mut run = RunResult::new(
            self.project
                .arena
                .metadata
                .as_ref()
                .and_then(|m| m.name.as_ref())
                .map(|n| n.value.clone())
                .unwrap_or_default(),
            results,
            started.elapsed().as_secs_f64() * 1000.0,
        );
        run.budget = budget.map(|max_cost_usd| RunBudget {
            max_cost_usd,
            spent_usd: spent.get(),
            not_started: not_started.into_inner(),
        });
        run.interrupted = interrupted;
        run
    }
}
