//! Manager behaviour over directories laid out like each host kind.

use std::collections::BTreeMap;

use super::*;
use crate::cgroups::fs::StdCgroupFs;
use crate::cgroups::limits::CpuQuota;
use crate::cgroups::test_layouts::{hybrid_host, v1_host, v2_host};

const POD: &str = "0b9e3c7a-uid";

/// requests cpu 250m / memory 64Mi, limits cpu 1 / memory 1Gi, pids 512.
fn limits() -> Limits {
    let map = |pairs: [(&str, &str); 2]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    Limits::from_resources(
        &map([("cpu", "250m"), ("memory", "64Mi")]),
        &map([("cpu", "1"), ("memory", "1Gi")]),
    )
    .unwrap()
    .with_pids_max(512)
}

fn read(fs: &StdCgroupFs, path: &str) -> String {
    fs.read(Path::new(path)).unwrap()
}

fn setup(layout: impl Fn(&StdCgroupFs)) -> (tempfile::TempDir, Manager<StdCgroupFs>) {
    let dir = tempfile::tempdir().unwrap();
    let fs = StdCgroupFs::new(dir.path());
    layout(&fs);
    let manager = Manager::new(fs, "berth/pods").unwrap();
    (dir, manager)
}

#[test]
fn v1_create_writes_per_controller() {
    let (_dir, m) = setup(v1_host);
    m.create(POD, &limits()).unwrap();
    let fs = &m.fs;
    let cases = [
        ("cpu/berth/pods/0b9e3c7a-uid/cpu.shares", "256"),
        ("cpu/berth/pods/0b9e3c7a-uid/cpu.cfs_period_us", "100000"),
        ("cpu/berth/pods/0b9e3c7a-uid/cpu.cfs_quota_us", "100000"),
        (
            "memory/berth/pods/0b9e3c7a-uid/memory.limit_in_bytes",
            "1073741824",
        ),
        ("pids/berth/pods/0b9e3c7a-uid/pids.max", "512"),
    ];
    for (path, want) in cases {
        assert_eq!(read(fs, path), want, "{path}");
    }
    // The links resolve to the joint hierarchy, and nothing lands at a hierarchy's root.
    assert!(fs.exists(Path::new("cpu,cpuacct/berth/pods/0b9e3c7a-uid/cpu.shares")));
    assert_eq!(read(fs, "memory/cgroup.procs"), "1\n");
    assert!(!fs.exists(Path::new("systemd/berth")));

    m.add_process(POD, 4242).unwrap();
    for c in ["cpu", "memory", "pids"] {
        assert_eq!(
            read(fs, &format!("{c}/berth/pods/{POD}/cgroup.procs")),
            "4242"
        );
    }
    assert_eq!(m.pids(POD).unwrap(), vec![4242]);
    assert_eq!(m.kill_all(POD).unwrap(), KillOutcome::Signal(vec![4242]));

    m.remove(POD).unwrap();
    for c in ["cpu", "memory", "pids"] {
        assert!(
            !fs.exists(Path::new(&format!("{c}/berth/pods/{POD}"))),
            "{c}"
        );
        assert!(fs.exists(Path::new(&format!("{c}/berth/pods"))), "{c}");
    }
    // Removing twice is fine.
    m.remove(POD).unwrap();
}

#[test]
fn v2_create_enables_controllers_down_the_parent() {
    let (_dir, m) = setup(|fs| v2_host(fs, "cpuset cpu io memory pids"));
    m.create(POD, &limits()).unwrap();
    let fs = &m.fs;
    let cases = [
        ("cgroup.subtree_control", "+cpu +memory +pids"),
        ("berth/cgroup.subtree_control", "+cpu +memory +pids"),
        ("berth/pods/cgroup.subtree_control", "+cpu +memory +pids"),
        ("berth/pods/0b9e3c7a-uid/cpu.weight", "10"),
        ("berth/pods/0b9e3c7a-uid/cpu.max", "100000 100000"),
        ("berth/pods/0b9e3c7a-uid/memory.max", "1073741824"),
        ("berth/pods/0b9e3c7a-uid/pids.max", "512"),
    ];
    for (path, want) in cases {
        assert_eq!(read(fs, path), want, "{path}");
    }
    assert_eq!(
        m.pod_dirs(POD).unwrap(),
        vec![PathBuf::from("berth/pods/0b9e3c7a-uid")]
    );

    m.add_process(POD, 7).unwrap();
    assert_eq!(m.pids(POD).unwrap(), vec![7]);
    // Kernels before 5.14 have no cgroup.kill.
    assert_eq!(m.kill_all(POD).unwrap(), KillOutcome::Signal(vec![7]));
    fs.write(Path::new("berth/pods/0b9e3c7a-uid/cgroup.kill"), "")
        .unwrap();
    assert_eq!(m.kill_all(POD).unwrap(), KillOutcome::Killed);
    assert_eq!(read(fs, "berth/pods/0b9e3c7a-uid/cgroup.kill"), "1");

    m.remove(POD).unwrap();
    assert!(!fs.exists(Path::new("berth/pods/0b9e3c7a-uid")));
}

#[test]
fn v2_leaves_enabled_controllers_and_unset_limits_alone() {
    let (_dir, m) = setup(|fs| {
        v2_host(fs, "cpu memory pids");
        fs.write(Path::new("cgroup.subtree_control"), "cpu io memory pids")
            .unwrap();
        fs.mkdir(Path::new("berth")).unwrap();
        fs.write(Path::new("berth/cgroup.subtree_control"), "memory")
            .unwrap();
    });
    m.create(POD, &Limits::default()).unwrap();
    let fs = &m.fs;
    assert_eq!(read(fs, "cgroup.subtree_control"), "cpu io memory pids");
    assert_eq!(read(fs, "berth/cgroup.subtree_control"), "+cpu +pids");
    assert_eq!(read(fs, "berth/pods/0b9e3c7a-uid/cpu.weight"), "1");
    for knob in ["cpu.max", "memory.max", "pids.max"] {
        assert!(
            !fs.exists(&Path::new("berth/pods/0b9e3c7a-uid").join(knob)),
            "{knob}"
        );
    }
}

#[test]
fn hybrid_host_uses_v1_unless_unified_has_memory() {
    // Controllers on v1, only hugetlb on the v2 mount: limits go to v1.
    let (_dir, m) = setup(|fs| hybrid_host(fs, "hugetlb"));
    m.create(POD, &limits()).unwrap();
    assert_eq!(
        read(
            &m.fs,
            "memory/berth/pods/0b9e3c7a-uid/memory.limit_in_bytes"
        ),
        "1073741824"
    );
    assert!(!m.fs.exists(Path::new("unified/berth")));

    let (_dir, m) = setup(|fs| hybrid_host(fs, "cpu memory pids"));
    m.create(POD, &limits()).unwrap();
    assert_eq!(
        read(&m.fs, "unified/berth/pods/0b9e3c7a-uid/memory.max"),
        "1073741824"
    );
    assert_eq!(
        read(&m.fs, "unified/berth/pods/0b9e3c7a-uid/cpu.max"),
        "100000 100000"
    );
    assert!(!m.fs.exists(Path::new("memory/berth")));
}

#[test]
fn missing_controller_for_a_limit() {
    let (_dir, m) = setup(|fs| v2_host(fs, "cpu memory"));
    let err = m.create(POD, &limits()).unwrap_err();
    assert!(
        matches!(err, CgroupError::ControllerMissing("pids")),
        "{err}"
    );

    // A weight alone needs no cpu controller; a quota does.
    let (_dir, m) = setup(|fs| v2_host(fs, "memory"));
    m.create("a", &Limits::default()).unwrap();
    assert!(!m.fs.exists(Path::new("berth/pods/a/cpu.weight")));
    let quota = Limits {
        cpu_quota: Some(CpuQuota {
            quota_us: 50_000,
            period_us: 100_000,
        }),
        ..Limits::default()
    };
    let err = m.create("b", &quota).unwrap_err();
    assert!(
        matches!(err, CgroupError::ControllerMissing("cpu")),
        "{err}"
    );
}

#[test]
fn names_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let fs = StdCgroupFs::new(dir.path());
    v2_host(&fs, "cpu memory pids");
    for parent in ["", "/", "/berth", "..", "berth/../..", "./berth"] {
        let err = Manager::new(fs.clone(), parent).unwrap_err();
        assert!(matches!(err, CgroupError::InvalidName { .. }), "{parent:?}");
    }
    let m = Manager::new(fs, "berth").unwrap();
    for pod in ["", ".", "..", "a/b", "cgroup.procs", "a\0b"] {
        let err = m.create(pod, &Limits::default()).unwrap_err();
        assert!(matches!(err, CgroupError::InvalidName { .. }), "{pod:?}");
        assert!(
            matches!(m.pids(pod), Err(CgroupError::InvalidName { .. })),
            "{pod:?}"
        );
    }
}

#[test]
fn pids_of_missing_or_malformed_cgroups() {
    let (_dir, m) = setup(|fs| v2_host(fs, "cpu memory pids"));
    assert!(matches!(
        m.pids(POD),
        Err(CgroupError::Io { op: "read", .. })
    ));
    m.create(POD, &Limits::default()).unwrap();
    m.fs.write(
        Path::new("berth/pods/0b9e3c7a-uid/cgroup.procs"),
        "12\n9\nabc\n",
    )
    .unwrap();
    assert!(matches!(m.pids(POD), Err(CgroupError::Parse { .. })));
    m.fs.write(Path::new("berth/pods/0b9e3c7a-uid/cgroup.procs"), "12\n9\n")
        .unwrap();
    assert_eq!(m.pids(POD).unwrap(), vec![9, 12]);
}

#[test]
fn nested_in_berths_own_cgroups() {
    // This development host: berth's memory cgroup is below the root, the others are not.
    let own = ProcCgroup::parse("8:pids:/\n4:memory:/process_api/d2568d\n1:cpu,cpuacct:/\n0::/\n")
        .unwrap();
    let (_dir, m) = setup(|fs| hybrid_host(fs, "hugetlb"));
    let m = m.nested_in(own);
    m.create(POD, &limits()).unwrap();
    assert_eq!(
        m.pod_dirs(POD).unwrap(),
        [
            "cpu/berth/pods/0b9e3c7a-uid",
            "memory/process_api/d2568d/berth/pods/0b9e3c7a-uid",
            "pids/berth/pods/0b9e3c7a-uid"
        ]
        .map(PathBuf::from)
        .to_vec()
    );
    assert_eq!(
        read(
            &m.fs,
            "memory/process_api/d2568d/berth/pods/0b9e3c7a-uid/memory.limit_in_bytes"
        ),
        "1073741824"
    );

    // v2: controllers are enabled from berth's own cgroup down, not at the root.
    let own = ProcCgroup::parse("0::/system.slice/berth.service\n").unwrap();
    let (_dir, m) = setup(|fs| {
        v2_host(fs, "cpu memory pids");
        fs.mkdir(Path::new("system.slice/berth.service")).unwrap();
    });
    let m = m.nested_in(own);
    m.create(POD, &limits()).unwrap();
    assert_eq!(read(&m.fs, "cgroup.subtree_control"), "");
    assert_eq!(
        read(&m.fs, "system.slice/berth.service/cgroup.subtree_control"),
        "+cpu +memory +pids"
    );
    assert_eq!(
        read(
            &m.fs,
            "system.slice/berth.service/berth/pods/0b9e3c7a-uid/cpu.max"
        ),
        "100000 100000"
    );
}
