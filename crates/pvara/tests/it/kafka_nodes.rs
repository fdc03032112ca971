//! Apache Kafka processes of a test's own (`scripts/kafka`, durable storage in a temporary
//! directory): a single node, or the nodes of a KRaft cluster, each killable with SIGKILL and
//! started again on the same data.

use std::path::{Path, PathBuf};

use crate::helpers::eventually;

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct PrivateKafka {
    pub port: u16,
    data: PathBuf,
    /// `scripts/kafka`'s settings for a cluster node (node id, voters, cluster id, replication).
    env: Vec<(String, String)>,
}

impl PrivateKafka {
    pub fn single(port: u16, data: PathBuf) -> Self {
        Self {
            port,
            data,
            env: Vec::new(),
        }
    }

    /// The nodes of a cluster with `n` broker/controllers, replication `n` (min.insync `n - 1`).
    pub fn cluster(n: usize, dir: &Path) -> Vec<Self> {
        let ports: Vec<(u16, u16)> = (0..n).map(|_| (free_port(), free_port())).collect();
        let voters = ports
            .iter()
            .enumerate()
            .map(|(i, (_, controller))| format!("{}@127.0.0.1:{controller}", i + 1))
            .collect::<Vec<_>>()
            .join(",");
        let cluster_id = {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
        };
        ports
            .iter()
            .enumerate()
            .map(|(i, (port, controller))| Self {
                port: *port,
                data: dir.join(format!("kafka-{}", i + 1)),
                env: vec![
                    ("PVARA_KAFKA_NODE_ID".to_owned(), (i + 1).to_string()),
                    ("PVARA_KAFKA_CONTROLLER_PORT".to_owned(), controller.to_string()),
                    ("PVARA_KAFKA_VOTERS".to_owned(), voters.clone()),
                    ("PVARA_KAFKA_CLUSTER_ID".to_owned(), cluster_id.clone()),
                    ("PVARA_KAFKA_REPLICATION".to_owned(), n.to_string()),
                    ("PVARA_KAFKA_HEAP".to_owned(), "512m".to_owned()),
                    ("PVARA_KAFKA_NO_WAIT".to_owned(), "1".to_owned()),
                ],
            })
            .collect()
    }

    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/kafka")
    }

    /// Starts the node; a single node is up when this returns, a cluster node once
    /// [`PrivateKafka::wait_up`] says so (its quorum needs the others).
    pub fn start(&self) {
        let started = std::process::Command::new(Self::script())
            .args(["start", &self.port.to_string()])
            .env("PVARA_KAFKA_DATA", &self.data)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .unwrap();
        assert!(
            started.status.success(),
            "scripts/kafka start failed: {}",
            String::from_utf8_lossy(&started.stderr)
        );
    }

    pub async fn wait_up(&self) {
        let port = self.port;
        crate::helpers::eventually_within(
            std::time::Duration::from_secs(120),
            "a broker to listen",
            || async move {
                tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
                    .then_some(())
            },
        )
        .await;
    }

    /// SIGKILL: the broker gets no chance to flush or hand anything over.
    pub async fn kill(&self) {
        let pid = std::fs::read_to_string(self.data.join("pid")).unwrap();
        let status = std::process::Command::new("kill")
            .args(["-9", pid.trim()])
            .status()
            .unwrap();
        assert!(status.success());
        let port = self.port;
        // The port is free again once the process is gone.
        eventually("the broker to die", || async move {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_err()
                .then_some(())
        })
        .await;
    }
}

impl Drop for PrivateKafka {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.data.join("pid")) {
            let _ = std::process::Command::new("kill")
                .args(["-9", pid.trim()])
                .status();
        }
    }
}
