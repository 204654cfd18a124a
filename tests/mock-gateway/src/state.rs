//! The mock's shared state: options, request log, fault counters, and the stores behind the
//! stateful endpoints (jobs, agent tasks, GPU instances, hosted agents).

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::Notify;

use crate::fault::Counters;
use crate::options::Options;
use crate::request_log::RequestLog;
use crate::routes::{agents::AgentTask, gpu::GpuInstance, hosted_agents::HostedAgent};
use crate::jobs::JobStore;

pub struct AppState {
    pub opts: Options,
    pub log: RequestLog,
    pub fault_counters: Counters,
    pub jobs: Mutex<JobStore>,
    pub agents: Mutex<HashMap<String, AgentTask>>,
    /// Woken whenever an agent task is stopped or the store is reset, so that non-streaming
    /// `agents/run` calls holding their answer look again.
    pub agents_changed: Notify,
    pub gpus: Mutex<HashMap<String, GpuInstance>>,
    pub hosted: Mutex<HashMap<String, HostedAgent>>,
}

impl AppState {
    pub fn new(opts: Options) -> Self {
        AppState {
            log: RequestLog::new(opts.log_limit),
            jobs: Mutex::new(JobStore::new(opts.job_retention)),
            opts,
            fault_counters: Counters::default(),
            agents: Mutex::default(),
            agents_changed: Notify::new(),
            gpus: Mutex::default(),
            hosted: Mutex::default(),
        }
    }

    /// Forgets everything a test may have left: log, fault counts and every store.
    pub fn reset(&self) {
        self.log.clear();
        self.fault_counters.clear();
        self.jobs.lock().unwrap().clear();
        self.agents.lock().unwrap().clear();
        self.agents_changed.notify_waiters();
        self.gpus.lock().unwrap().clear();
        self.hosted.lock().unwrap().clear();
    }
}
