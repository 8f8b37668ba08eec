//! End-to-end tests: the real `marginote` binary in a pseudo-terminal.
//!
//! Each test starts a private tmux server (its own socket, no config file),
//! runs marginote in it with HOME and the XDG directories inside the test's
//! temp dir, types with `send-keys`, reads the screen with `capture-pane`
//! (polling, never fixed sleeps) and always kills the server when it ends,
//! pass or fail (a `Drop` guard).
//!
//! marginote runs under a small shell script that records its pid (it is
//! `exec`ed, so the pid is marginote's), and after it exits records the tty
//! settings (`stty -a`) and then the exit status, and keeps the pane alive so
//! the terminal state after exit can be inspected.
//!
//! Without tmux the tests print a line saying they were skipped, unless the
//! CI environment variable is set: then a missing tmux is an error.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use marginote::core::annotation::Kind;
use marginote::core::store::AnnotationFile;

const BIN: &str = env!("CARGO_BIN_EXE_marginote");
const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/facebook-meta-nspcc-id.txt");
const SAMPLE_NAME: &str = "facebook-meta-nspcc-id.txt";
/// How long to wait for the screen, the process, or a file.
const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(40);
/// Terminal size for most tests.
const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;

/// Whether tmux can be run. When it cannot: panic on CI, else say the test was skipped.
fn tmux_available(test: &str) -> bool {
    let ok = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!(
                "tmux is not installed, but CI is set: the end-to-end tests must run on CI \
                 (.ci/run installs tmux with apt-get)"
            );
        }
        eprintln!("e2e: skipped {test}: tmux is not installed (install tmux to run the end-to-end tests)");
    }
    ok
}

/// Quote `s` for sh.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// Poll `f` until it returns `Some`, or give up after [`TIMEOUT`] (then `None`).
fn poll<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(POLL);
    }
}

/// One test's private directories: home, data, config, the articles (`work`)
/// and the harness's own files (`run-N`).
struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    /// A fresh temp dir, or `None` when tmux is missing (the test is skipped).
    fn new(test: &str) -> Option<TestDir> {
        if !tmux_available(test) {
            return None;
        }
        let dir = tempfile::Builder::new().prefix("mn-e2e-").tempdir().expect("temp dir");
        for sub in ["home", "data", "config", "work"] {
            std::fs::create_dir(dir.path().join(sub)).expect("create temp subdir");
        }
        Some(TestDir { dir })
    }

    fn sub(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn home(&self) -> PathBuf {
        self.sub("home")
    }

    fn data(&self) -> PathBuf {
        self.sub("data")
    }

    fn config(&self) -> PathBuf {
        self.sub("config")
    }

    fn work(&self) -> PathBuf {
        self.sub("work")
    }

    /// The environment marginote runs with: nothing points at the real home.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("HOME", path_str(&self.home()).to_owned()),
            ("XDG_DATA_HOME", path_str(&self.data()).to_owned()),
            ("XDG_CONFIG_HOME", path_str(&self.config()).to_owned()),
            ("USER", "tester".to_owned()),
        ]
    }

    /// Copy the bundled sample article into the work dir as `name`.
    fn copy_sample(&self, name: &str) -> PathBuf {
        let p = self.work().join(name);
        std::fs::write(&p, std::fs::read(SAMPLE).expect("read the sample")).expect("copy the sample");
        p
    }

    /// Run `marginote list ARTICLE --json` and parse its output.
    fn list_json(&self, article: &Path) -> serde_json::Value {
        let out = Command::new(BIN)
            .args(["list", path_str(article), "--json"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(self.env())
            .output()
            .expect("run marginote list");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "marginote list failed: {}\nstdout:\n{stdout}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("list --json is not JSON ({e}):\n{stdout}"))
    }
}

static SESSIONS: AtomicUsize = AtomicUsize::new(0);

/// marginote running in a private tmux server. Dropping it kills the server.
struct Session {
    socket: String,
    /// The server's socket file, removed with the server (tmux leaves it behind).
    socket_path: Option<PathBuf>,
    /// Where the pid, the exit status and the tty settings after exit are written.
    run: PathBuf,
}

impl Drop for Session {
    /// Stop marginote if it still runs (a test failed): SIGTERM while it still
    /// has its terminal, then kill the server; a marginote that outlives its
    /// terminal never exits by itself (see `terminal_hangup_exits`), so it is
    /// then killed.
    fn drop(&mut self) {
        let pid = self.read_run_file("pid").and_then(|p| p.trim().parse::<u32>().ok());
        if let Some(pid) = pid.filter(|&p| marginote_alive(p)) {
            kill(pid, "TERM");
            wait_gone(pid, Duration::from_secs(1));
        }
        let _ = self.tmux().arg("kill-server").output();
        if let Some(pid) = pid.filter(|&p| !wait_gone(p, Duration::from_millis(300))) {
            kill(pid, "KILL");
        }
        if let Some(p) = &self.socket_path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Whether `pid` is a live marginote process (not a zombie, not a reused pid).
fn marginote_alive(pid: u32) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c.starts_with(BIN.as_bytes()))
}

/// Wait up to `limit` for marginote `pid` to end; whether it did.
fn wait_gone(pid: u32, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while marginote_alive(pid) {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(POLL);
    }
    true
}

/// Send the signal `sig` (TERM, HUP, KILL) to `pid`; whether that worked.
fn kill(pid: u32, sig: &str) -> bool {
    Command::new("/bin/sh")
        .args(["-c", "kill -s \"$1\" \"$2\"", "sh", sig, &pid.to_string()])
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Session {
    /// Start marginote with `args` in a `width`×[`HEIGHT`] terminal. `after` is
    /// shell code run once it has exited (before the exit status is written).
    fn start(t: &TestDir, width: u16, args: &[&str], after: &str) -> Session {
        Session::start_with(t, width, args, after, &[])
    }

    /// As [`Session::start`], with extra environment variables.
    fn start_with(t: &TestDir, width: u16, args: &[&str], after: &str, env: &[(&str, &str)]) -> Session {
        let n = SESSIONS.fetch_add(1, Ordering::Relaxed);
        let run = t.sub(&format!("run-{n}"));
        std::fs::create_dir(&run).expect("create run dir");
        let file = |name: &str| sh_quote(path_str(&run.join(name)));
        let mut vars = t.env();
        vars.extend(env.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let exports: Vec<String> = vars.iter().map(|(k, v)| format!("{k}={}", sh_quote(v))).collect();
        let command: Vec<String> = std::iter::once(BIN).chain(args.iter().copied()).map(sh_quote).collect();
        let script = format!(
            "export {exports}\n\
             cd {work} || exit 1\n\
             sh -c 'echo $$ > \"$0.tmp\" && mv \"$0.tmp\" \"$0\" && exec \"$@\"' {pid} {command}\n\
             rc=$?\n\
             stty -a > {stty} 2>&1\n\
             {after}\n\
             echo \"$rc\" > {exit}.tmp && mv {exit}.tmp {exit}\n\
             exec sleep 3600\n",
            exports = exports.join(" "),
            work = sh_quote(path_str(&t.work())),
            pid = file("pid"),
            command = command.join(" "),
            stty = file("stty"),
            exit = file("exit"),
        );
        let socket = format!("marginote-e2e-{}-{n}", std::process::id());
        let mut s = Session { socket, socket_path: None, run };
        let out = s
            .tmux()
            .args(["-f", "/dev/null", "new-session", "-d", "-s", "e2e"])
            .args(["-x", &width.to_string(), "-y", &HEIGHT.to_string()])
            .args(["--", "/bin/sh", "-c", &script])
            .output()
            .expect("run tmux new-session");
        assert!(out.status.success(), "tmux new-session failed: {}", String::from_utf8_lossy(&out.stderr));
        s.socket_path = Some(s.format("#{socket_path}").into());
        s
    }

    fn tmux(&self) -> Command {
        let mut c = Command::new("tmux");
        c.env_remove("TMUX").args(["-L", &self.socket]);
        c
    }

    /// Run a tmux command against the session; its stdout.
    fn run_tmux(&self, args: &[&str]) -> String {
        let out = self.tmux().args(args).output().expect("run tmux");
        assert!(
            out.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen as text.
    fn screen(&self) -> String {
        self.run_tmux(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// The screen with colours and attributes as escape sequences.
    fn screen_with_styles(&self) -> String {
        self.run_tmux(&["capture-pane", "-p", "-e", "-t", "e2e"])
    }

    /// A tmux format (`#{alternate_on}`, …) for the pane.
    fn format(&self, f: &str) -> String {
        self.run_tmux(&["display-message", "-p", "-t", "e2e", f]).trim_end_matches('\n').to_owned()
    }

    /// Type `text` literally.
    fn type_text(&self, text: &str) {
        self.run_tmux(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// Press named keys (`Enter`, `C-c`, `Escape`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.run_tmux(&args);
    }

    fn read_run_file(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.run.join(name)).ok()
    }

    /// Wait until `pred` holds for the screen; the screen then.
    fn wait_screen(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        poll(|| {
            last = self.screen();
            pred(&last).then(|| last.clone())
        })
        .unwrap_or_else(|| {
            let exit = self.read_run_file("exit").map_or("still running".into(), |e| format!("exited: {e}"));
            panic!("timed out after {TIMEOUT:?} waiting for {what} (marginote {exit}); the screen:\n{last}")
        })
    }

    /// Wait for the first whole frame: `text` on screen and the status line
    /// (drawn last) in normal mode.
    fn wait_ready(&self, text: &str) -> String {
        self.wait_screen(&format!("{text:?} and the status line"), |s| {
            s.contains(text) && status_line(s).starts_with(" NORMAL ")
        })
    }

    /// Wait until the screen, colours included, stays the same for half a
    /// second (what arrives from threads has been drawn).
    fn wait_settled(&self) -> String {
        let mut last = self.screen_with_styles();
        poll(|| {
            std::thread::sleep(Duration::from_millis(500));
            let now = self.screen_with_styles();
            (std::mem::replace(&mut last, now) == last).then_some(())
        })
        .expect("the screen settles");
        last
    }

    /// Wait until the tmux format `f` has the value `want`.
    fn wait_format(&self, f: &str, want: &str) {
        let mut last = String::new();
        poll(|| {
            last = self.format(f);
            (last == want).then_some(())
        })
        .unwrap_or_else(|| panic!("timed out waiting for {f} to be {want:?}; it is {last:?}"));
    }

    /// marginote's pid.
    fn pid(&self) -> u32 {
        poll(|| self.read_run_file("pid").and_then(|p| p.trim().parse().ok()))
            .expect("marginote's pid file was not written")
    }

    /// Wait for marginote to exit; its exit status.
    fn wait_exit(&self) -> i32 {
        let status = poll(|| self.read_run_file("exit")).unwrap_or_else(|| {
            panic!(
                "timed out after {TIMEOUT:?} waiting for marginote to exit; the screen:\n{}",
                self.screen()
            )
        });
        status.trim().parse().unwrap_or_else(|_| panic!("bad exit status file: {status:?}"))
    }

    /// Send a signal (by name: TERM, HUP) to marginote.
    fn signal(&self, sig: &str) {
        let pid = self.pid();
        assert!(kill(pid, sig), "kill -s {sig} {pid} failed");
    }

    /// The pane's tty settings now (`stty -a` on it).
    fn tty_settings_now(&self) -> String {
        let tty = self.format("#{pane_tty}");
        let out =
            Command::new("/bin/sh").args(["-c", "stty -a < \"$1\"", "sh", &tty]).output().expect("run stty");
        assert!(out.status.success(), "stty -a < {tty}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// While marginote runs: alternate screen, mouse reporting and raw mode on.
    /// (Shows that the checks in [`Session::assert_restored`] can fail.)
    fn assert_terminal_taken_over(&self) {
        assert_eq!(self.format("#{alternate_on}"), "1", "marginote uses the alternate screen");
        assert_eq!(self.format("#{mouse_any_flag}"), "1", "marginote turns on mouse reporting");
        let stty = self.tty_settings_now();
        for flag in ["-icanon", "-echo"] {
            assert!(has_flag(&stty, flag), "the tty is in raw mode while marginote runs ({flag}):\n{stty}");
        }
    }

    /// After marginote exited: normal screen, no mouse reporting, the tty out
    /// of raw mode, no error or panic printed.
    fn assert_restored(&self) {
        self.assert_restored_saying(None);
    }

    /// As `assert_restored`, allowing one expected line from marginote on exit.
    fn assert_restored_saying(&self, expected: Option<&str>) {
        assert_eq!(self.format("#{alternate_on}"), "0", "back on the normal screen after exit");
        assert_eq!(self.format("#{mouse_any_flag}"), "0", "mouse reporting off after exit");
        let stty = self.read_run_file("stty").expect("stty output after exit");
        for flag in ["icanon", "echo", "isig", "icrnl", "opost"] {
            assert!(has_flag(&stty, flag), "tty flag {flag} should be on again after exit:\n{stty}");
            assert!(
                !has_flag(&stty, &format!("-{flag}")),
                "tty flag {flag} is still off after exit:\n{stty}"
            );
        }
        let screen = self.screen();
        match expected {
            Some(line) => assert!(screen.contains(line), "{line:?} printed on exit:\n{screen}"),
            None => assert!(!screen.contains("marginote:"), "no error printed on exit:\n{screen}"),
        }
        assert!(!screen.contains("panicked"), "no panic on exit:\n{screen}");
    }
}

/// Whether `stty -a` output lists `flag` (a whole word, e.g. `-icanon`).
fn has_flag(stty: &str, flag: &str) -> bool {
    stty.split(|c: char| c.is_whitespace() || c == ';').any(|w| w == flag)
}

/// The status line (the last line of the screen).
fn status_line(screen: &str) -> &str {
    screen.lines().last().unwrap_or("")
}

/// Read and parse the annotation file of `article`.
fn read_annotations(article: &Path) -> AnnotationFile {
    let path = marginote::core::store::annotations_path(article);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    AnnotationFile::from_ron(&bytes, &path).unwrap_or_else(|e| panic!("the saved file does not load: {e}"))
}

/// Whether a sidebar line shows the badge `badge` for `text` with `meta` after it.
/// Whether the sidebar lists `text` with its kind `badge` (and any review
/// mark after it) and `meta` further right.
fn sidebar_has(screen: &str, badge: &str, text: &str, meta: &str) -> bool {
    let entry = format!("│ {badge}  {text} ");
    screen.lines().any(|l| l.find(&entry).is_some_and(|i| l[i + entry.len()..].contains(meta)))
}

/// Press Escape and wait for normal mode. The next key must not follow
/// before Escape is read: a terminal that sends ESC and `/` in one read
/// means Alt+/, as it does for every terminal program.
fn escape_to_normal(s: &Session) {
    s.keys(&["Escape"]);
    s.wait_screen("normal mode after Escape", |sc| status_line(sc).starts_with(" NORMAL "));
}

/// Search for `query` and make the first match after the cursor the selection.
fn search(s: &Session, query: &str) {
    s.type_text("/");
    s.wait_screen("an empty search prompt", |sc| status_line(sc).trim_end() == "/");
    s.type_text(query);
    s.keys(&["Enter"]);
    // The status line folds runs of spaces: "/QUERY match 1 of N".
    s.wait_screen(&format!("a match of {query:?}"), |sc| {
        let st = status_line(sc);
        st.contains(" VISUAL ") && st.contains(&format!("/{query} match "))
    });
}

/// Tag the sample's first "8.000" as a statistic and wait for it in the sidebar.
fn tag_8000_as_a_statistic(s: &Session) {
    search(s, "8.000");
    s.type_text("ts");
    s.wait_screen("8.000 in the sidebar", |sc| sidebar_has(sc, "S", "8.000", "= 8000"));
}

#[test]
fn search_tag_person_quit_writes_ron() {
    let Some(t) = TestDir::new("search_tag_person_quit_writes_ron") else { return };
    let article = t.copy_sample("a.txt");
    let s = Session::start(&t, WIDTH, &[path_str(&article)], "");
    s.wait_ready("Penyimpangan Internet");
    s.assert_terminal_taken_over();

    search(&s, "Mark Zuckerberg");
    s.type_text("t");
    s.wait_screen("the tag menu", |sc| status_line(sc).starts_with(" TAG "));
    s.type_text("p");
    s.wait_screen("Mark Zuckerberg tagged, in the sidebar", |sc| {
        sidebar_has(sc, "E", "Mark Zuckerberg", "Person")
            && sc.contains("Annotations (1)")
            && status_line(sc).contains("Tagged entity: Mark Zuckerberg")
    });

    s.type_text("q");
    assert_eq!(s.wait_exit(), 0, "exit status after q");
    s.assert_restored();

    let file = read_annotations(&article);
    assert_eq!(file.annotations.len(), 1, "{file:#?}");
    let a = &file.annotations[0];
    assert_eq!(a.kind, Kind::Entity("Person".into()));
    assert_eq!(a.exact, "Mark Zuckerberg");
    assert_eq!((a.start, a.end), (382, 397));
    assert_eq!(a.author, "tester", "author from $USER");
    assert_eq!(file.article.file, "a.txt");

    let json = t.list_json(&article);
    let list = json.as_array().expect("a JSON array");
    assert_eq!(list.len(), 1, "{json:#}");
    let r = &list[0];
    assert_eq!(r["id"], a.id.as_str(), "{r:#}");
    assert_eq!(r["kind"], "entity", "{r:#}");
    assert_eq!(r["type"], "Person", "{r:#}");
    assert_eq!(r["exact"], "Mark Zuckerberg", "{r:#}");
    assert_eq!((r["start"].as_u64(), r["end"].as_u64()), (Some(382), Some(397)), "{r:#}");
    assert_eq!(r["status"], "Unreviewed", "{r:#}");
    assert_eq!(r["author"], "tester", "{r:#}");
}

#[test]
fn no_argument_opens_the_sample_copy() {
    let Some(t) = TestDir::new("no_argument_opens_the_sample_copy") else { return };
    let copy = t.data().join("marginote").join(SAMPLE_NAME);
    // Wide enough for the status line to show the whole path of the copy.
    let width = (path_str(&copy).len() + 100).max(usize::from(WIDTH)) as u16;

    let s = Session::start(&t, width, &[], "");
    let copied = format!("Sample article copied to {}", copy.display());
    let screen = s.wait_screen("the sample, and the status line saying where it was copied", |sc| {
        sc.contains("Penyimpangan Internet") && status_line(sc).contains(&copied)
    });
    assert!(status_line(&screen).contains(&format!(" {SAMPLE_NAME} ")), "names the file: {screen}");
    s.type_text("q");
    assert_eq!(s.wait_exit(), 0);
    s.assert_restored();
    drop(s);
    assert_eq!(
        std::fs::read(&copy).unwrap_or_else(|e| panic!("{}: {e}", copy.display())),
        std::fs::read(SAMPLE).unwrap(),
        "the copy is the bundled sample"
    );

    // A second start opens the same copy, without copying again.
    let s = Session::start(&t, width, &[], "");
    let existing = format!("Sample article: {}", copy.display());
    s.wait_screen("the status line naming the existing copy", |sc| {
        sc.contains("Penyimpangan Internet") && status_line(sc).contains(&existing)
    });
    s.type_text("q");
    assert_eq!(s.wait_exit(), 0);
    drop(s);

    let names = |dir: PathBuf| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(t.data().join("marginote")), [SAMPLE_NAME], "only the copy in the data dir");
    assert!(names(t.home()).is_empty(), "nothing written in HOME: {:?}", names(t.home()));
    assert!(names(t.config()).is_empty(), "nothing written in the config dir: {:?}", names(t.config()));
}

/// Tag `8.000` as a statistic, send `sig`, check the exit, the file and the terminal.
fn signal_saves_and_restores(test: &str, sig: &str) {
    let Some(t) = TestDir::new(test) else { return };
    let article = t.copy_sample("a.txt");
    let s = Session::start(&t, WIDTH, &[path_str(&article)], "");
    s.wait_ready("Penyimpangan Internet");

    tag_8000_as_a_statistic(&s);
    s.assert_terminal_taken_over();

    let sent = Instant::now();
    s.signal(sig);
    let status = s.wait_exit();
    let took = sent.elapsed();
    assert_eq!(status, 0, "exit status after SIG{sig}");
    assert!(took < Duration::from_millis(2500), "SIG{sig} took {took:?} to end marginote");
    s.assert_restored();

    let file = read_annotations(&article);
    assert_eq!(file.annotations.len(), 1, "{file:#?}");
    let a = &file.annotations[0];
    assert_eq!(a.exact, "8.000");
    assert_eq!(a.kind, Kind::Statistic { value: Some(8000.0), unit: Some("Kejahatan".into()) }, "{a:#?}");
}

#[test]
fn sigterm_saves_and_restores_the_terminal() {
    signal_saves_and_restores("sigterm_saves_and_restores_the_terminal", "TERM");
}

#[test]
fn sighup_saves_and_restores_the_terminal() {
    signal_saves_and_restores("sighup_saves_and_restores_the_terminal", "HUP");
}

const BAD_RON: &str = "(\n  version: 1,\n  article: oops,\n)";

#[test]
fn ctrl_c_quits_and_bad_ron_opens_read_only() {
    let Some(t) = TestDir::new("ctrl_c_quits_and_bad_ron_opens_read_only") else { return };
    let article = t.copy_sample("a.txt");
    let ron = marginote::core::store::annotations_path(&article);
    std::fs::write(&ron, BAD_RON).unwrap();
    let width = (path_str(&ron).len() + 100).max(usize::from(WIDTH)) as u16;

    let s = Session::start(&t, width, &[path_str(&article)], "");
    // `oops` starts on line 3, column 12 (two spaces of indent + `article: `).
    let at = format!("READ-ONLY: {}:3:12: ", ron.display());
    s.wait_screen(&format!("the banner {at:?} and [read-only] in the status line"), |sc| {
        sc.contains(&at) && status_line(sc).contains(" a.txt [read-only] ")
    });

    s.keys(&["C-c"]);
    assert_eq!(s.wait_exit(), 0, "exit status after C-c");
    s.assert_restored();
    assert_eq!(std::fs::read_to_string(&ron).unwrap(), BAD_RON, "the bad file is unchanged");
    let mut names: Vec<_> =
        std::fs::read_dir(t.work()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["a.txt", "a.txt.annotations.ron"], "nothing else written beside the article");
}

#[test]
fn read_only_tagging_is_never_written() {
    let Some(t) = TestDir::new("read_only_tagging_is_never_written") else { return };
    let article = t.copy_sample("a.txt");
    let ron = marginote::core::store::annotations_path(&article);
    std::fs::write(&ron, BAD_RON).unwrap();

    let s = Session::start(&t, WIDTH, &[path_str(&article)], "");
    s.wait_ready("READ-ONLY");
    tag_8000_as_a_statistic(&s);
    assert_eq!(std::fs::read_to_string(&ron).unwrap(), BAD_RON, "tagging does not write the file");

    // The first quit refuses (unsaved changes), the second leaves without saving.
    s.keys(&["C-c"]);
    s.wait_screen("the not-saved warning", |sc| status_line(sc).contains("not saved: "));
    s.keys(&["C-c"]);
    assert_eq!(s.wait_exit(), 0, "exit status after the second C-c");
    s.assert_restored_saying(Some("marginote: the last changes to the annotations were NOT saved"));
    assert_eq!(std::fs::read_to_string(&ron).unwrap(), BAD_RON, "the bad file is unchanged");
    assert_eq!(std::fs::read_dir(t.work()).unwrap().count(), 2, "no temp or other file left");
}

#[test]
fn control_characters_are_shown_not_sent() {
    let Some(t) = TestDir::new("control_characters_are_shown_not_sent") else { return };
    let article = t.work().join("c.txt");
    std::fs::write(&article, "Title\x1b]2;pwned\x07 and \x1b[31mred\x1b[0m text\n").unwrap();
    // After marginote exits, `cat` sends the same bytes raw: that must set the
    // title, or the check below could not fail.
    let cat = format!("cat {}", sh_quote(path_str(&article)));
    let s = Session::start(&t, WIDTH, &[path_str(&article)], &cat);
    let screen = s.wait_ready("Title");
    let first = screen.lines().next().unwrap_or("");
    assert!(first.contains("Title␛]2;pwned␇ and ␛[31mred␛[0m text"), "control pictures shown:\n{screen}");
    assert_ne!(s.format("#{pane_title}"), "pwned", "the article set the terminal title");
    let styled = s.screen_with_styles();
    let first_styled = styled.lines().next().unwrap_or("");
    assert!(!first_styled.contains("\x1b[31m"), "the article set a red foreground: {first_styled:?}");

    s.type_text("q");
    assert_eq!(s.wait_exit(), 0);
    s.assert_restored();
    s.wait_format("#{pane_title}", "pwned");
}

/// Text another program writes on marginote's terminal stays (only rows
/// that change are written, and a resize signal without a new size changes
/// nothing) until `C-l` paints the whole screen again.
#[test]
fn ctrl_l_paints_over_what_another_program_wrote() {
    let Some(t) = TestDir::new("ctrl_l_paints_over_what_another_program_wrote") else { return };
    let article = t.copy_sample("s.txt");
    let s = Session::start(&t, WIDTH, &[path_str(&article)], "");
    s.wait_ready("Penyimpangan");
    // The suggestions arrive from their thread and change rows: let them.
    s.wait_settled();
    let before = s.screen();
    let tty = s.format("#{pane_tty}");
    std::fs::write(&tty, "\x1b[5;3HWRITTEN BY ANOTHER PROGRAM").expect("write to the pane's tty");
    s.wait_screen("the other program's text", |screen| screen.contains("WRITTEN BY ANOTHER"));
    // A resize signal with the size unchanged (terminals send them twice
    // for one resize) is not a reason to paint everything again either.
    s.signal("WINCH");
    std::thread::sleep(Duration::from_millis(600));
    assert!(s.screen().contains("WRITTEN BY ANOTHER"), "painted over before C-l");
    s.keys(&["C-l"]);
    let after = s.wait_screen("the article painted again", |screen| !screen.contains("WRITTEN BY ANOTHER"));
    assert_eq!(after, before);
    s.type_text("q");
    assert_eq!(s.wait_exit(), 0);
}

/// Two instances tagging one article: each saves on a thread of its own,
/// and the second, whose copy is older than the file the first wrote,
/// merges it in (while idle: it shows the first's tag) before its save.
/// (A save that finds the file changed merges then: `tests/keys.rs`.)
#[test]
fn two_instances_tagging_one_article_keep_both_tags() {
    let Some(t) = TestDir::new("two_instances_tagging_one_article_keep_both_tags") else { return };
    let article = t.copy_sample("a.txt");
    let first = Session::start(&t, WIDTH, &[path_str(&article)], "");
    let second = Session::start(&t, WIDTH, &[path_str(&article)], "");
    first.wait_ready("Penyimpangan Internet");
    second.wait_ready("Penyimpangan Internet");
    search(&first, "8.000");
    first.type_text("ts");
    let saved = |n: usize| poll(|| (read_annotations(&article).annotations.len() == n).then_some(()));
    let file = marginote::core::store::annotations_path(&article);
    assert!(poll(|| file.exists().then_some(())).is_some() && saved(1).is_some(), "the first tag saved");
    second.wait_screen("the first tag merged in", |sc| {
        sc.contains("Annotations (1)") && status_line(sc).contains("changed on disk: merged")
    });
    search(&second, "Mark Zuckerberg");
    second.type_text("tp");
    assert!(saved(2).is_some(), "the second tag saved beside the first: {:#?}", read_annotations(&article));
    for s in [&first, &second] {
        s.type_text("q");
        assert_eq!(s.wait_exit(), 0);
    }
    let exact: Vec<String> =
        read_annotations(&article).annotations.iter().map(|a| a.exact.to_string()).collect();
    assert_eq!(exact, ["8.000", "Mark Zuckerberg"], "both tags, once each");
}

/// One-line scrolls have the terminal move the article's rows (a
/// scrolling region, then index or reverse index): in tmux, the screen
/// they leave reads as the one `C-l` paints whole. (Its styled capture
/// may differ in the colour of blanks, which no one sees: padding is
/// written only over what a row held.)
#[test]
fn one_line_scrolls_leave_the_screen_a_repaint_paints() {
    let Some(t) = TestDir::new("one_line_scrolls_leave_the_screen_a_repaint_paints") else { return };
    let article = t.copy_sample("a.txt");
    let s = Session::start(&t, WIDTH, &[path_str(&article)], "");
    s.wait_ready("Penyimpangan Internet");
    tag_8000_as_a_statistic(&s);
    let first_row = |sc: &str| sc.lines().next().unwrap_or_default().to_owned();
    let before = s.wait_settled();
    s.keys(&["C-e", "C-e", "C-e", "C-y"]);
    s.wait_screen("the article two rows down", |sc| first_row(sc) != first_row(&before));
    s.wait_settled();
    let scrolled = s.screen();
    s.keys(&["C-l"]);
    std::thread::sleep(Duration::from_millis(300));
    s.wait_settled();
    assert_eq!(s.screen(), scrolled, "rows the scrolls left");
    assert_ne!(first_row(&scrolled), first_row(&before));
    s.type_text("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn terminal_hangup_exits() {
    let Some(t) = TestDir::new("terminal_hangup_exits") else { return };
    let article = t.copy_sample("a.txt");
    let s = Session::start(&t, WIDTH, &[path_str(&article)], "");
    s.wait_ready("Penyimpangan Internet");
    tag_8000_as_a_statistic(&s);
    let pid = s.pid();

    // Close the terminal, as when a terminal window is closed or ssh drops:
    // SIGHUP, then EOF/EIO on the tty.
    s.run_tmux(&["kill-server"]);
    assert!(
        wait_gone(pid, TIMEOUT),
        "marginote (pid {pid}) still runs {TIMEOUT:?} after its terminal went away"
    );
    let file = read_annotations(&article);
    assert_eq!(file.annotations.len(), 1, "{file:#?}");
    assert!(!t.data().join("marginote/recovery").exists(), "everything was saved: nothing to recover");
}

#[test]
#[cfg_attr(not(debug_assertions), ignore = "the panic key exists in debug builds only")]
fn a_panic_keeps_unsaved_annotations_for_the_next_start() {
    let Some(t) = TestDir::new("a_panic_keeps_unsaved_annotations_for_the_next_start") else { return };
    let article = t.copy_sample("a.txt");
    let ron = marginote::core::store::annotations_path(&article);
    // Another writer holds the lock, so the save after tagging fails and the
    // annotation exists only in memory when the panic comes.
    let lock = match marginote::core::lock::try_lock(&ron).unwrap() {
        marginote::core::lock::LockState::Acquired(l) => l,
        other => panic!("could not take the lock: {other:?}"),
    };
    let s = Session::start_with(&t, WIDTH, &[path_str(&article)], "", &[("MARGINOTE_TEST_PANIC_KEY", "Z")]);
    s.wait_ready("Penyimpangan Internet");
    search(&s, "8.000");
    s.type_text("ts");
    s.wait_screen("the failed save", |sc| status_line(sc).contains("not saved: "));
    s.type_text("Z");
    assert_eq!(s.wait_exit(), 101, "a panic's exit status");
    assert_eq!(s.format("#{alternate_on}"), "0", "back on the normal screen after the panic");
    let stty = s.read_run_file("stty").expect("stty output after exit");
    assert!(has_flag(&stty, "icanon") && has_flag(&stty, "echo"), "tty out of raw mode:\n{stty}");
    let screen = s.screen();
    assert!(screen.contains("unsaved annotations were kept in"), "{screen}");
    assert!(!ron.exists(), "the annotation file was not written behind the lock");
    drop(lock);

    // The next start offers them; r restores and saves, and the recovery
    // file is retired.
    let s = Session::start(&t, WIDTH, &[path_str(&article)], "");
    let offer = s.wait_screen("the recovery offer", |sc| sc.contains("Unsaved annotations recovered"));
    assert!(offer.contains("1 added: “8.000”"), "{offer}");
    s.type_text("r");
    s.wait_screen("8.000 in the sidebar", |sc| sidebar_has(sc, "S", "8.000", "= 8000"));
    let file = read_annotations(&article);
    assert_eq!(file.annotations.len(), 1, "{file:#?}");
    s.type_text("q");
    assert_eq!(s.wait_exit(), 0);
    s.assert_restored();
    let recovery = t.data().join("marginote/recovery");
    let left: Vec<String> = std::fs::read_dir(&recovery)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.len() == 1 && left[0].ends_with(".discarded"), "{left:?}");
}

/// `big.txt` in the test's folder: the sample over and over, at least
/// `mb` MB; its path and text.
fn large_sample(t: &TestDir, mb: usize) -> (PathBuf, String) {
    let article = t.work().join("big.txt");
    let sample = std::fs::read_to_string(SAMPLE).expect("read the sample");
    let text = sample.repeat((mb << 20) / sample.len() + 1);
    std::fs::write(&article, &text).unwrap();
    (article, text)
}

#[test]
fn a_large_file_shows_a_preview_then_works_as_usual() {
    let Some(t) = TestDir::new("a_large_file_shows_a_preview_then_works_as_usual") else { return };
    // Over the 1 MB above which a preview is drawn before the whole file loads.
    let (article, text) = large_sample(&t, 5);
    let s = Session::start(&t, WIDTH, &[path_str(&article)], "");
    s.wait_ready("Penyimpangan Internet");
    // The whole file's first frame was painted over the preview's, row by
    // row where they differ: the screen is the one C-l paints whole.
    let painted = s.wait_settled();
    s.keys(&["C-l"]);
    assert_eq!(s.wait_settled(), painted, "rows the preview left");
    tag_8000_as_a_statistic(&s);
    s.type_text("q");
    assert_eq!(s.wait_exit(), 0);
    s.assert_restored();
    let file = read_annotations(&article);
    assert_eq!(file.annotations.len(), 1, "{file:#?}");
    assert_eq!(file.article.chars, text.chars().count());
}

/// Keys typed as a large article's preview shows, while the article
/// loads: a search and a tag wait for the article and are answered on it
/// (nothing typed is lost). Whether they come before the article has
/// loaded depends on the machine's speed; the outcome must not.
/// `tests/keys.rs` checks what the preview answers and what it keeps.
#[test]
fn keys_typed_while_a_large_article_loads_are_kept() {
    let Some(t) = TestDir::new("keys_typed_while_a_large_article_loads_are_kept") else { return };
    let (article, text) = large_sample(&t, 20);
    let s = Session::start(&t, WIDTH, &[path_str(&article)], "");
    s.wait_screen("the preview", |sc| sc.contains("Penyimpangan Internet"));
    s.type_text("/Meta");
    s.keys(&["Enter"]);
    s.type_text("to");
    s.wait_screen("Meta tagged", |sc| {
        sidebar_has(sc, "E", "Meta", "Organization") && !sc.contains(" LOADING ")
    });
    s.type_text("q");
    assert_eq!(s.wait_exit(), 0);
    let file = read_annotations(&article);
    assert_eq!(file.annotations.len(), 1, "{file:#?}");
    let a = &file.annotations[0];
    assert_eq!((a.exact.as_str(), a.start), ("Meta", text[..text.find("Meta").unwrap()].chars().count()));
}

#[test]
fn suggestions_arrive_from_their_thread_and_are_accepted() {
    let Some(t) = TestDir::new("suggestions_arrive_from_their_thread_and_are_accepted") else { return };
    let article = t.copy_sample("a.txt");
    let s = Session::start(&t, WIDTH, &[path_str(&article)], "");
    s.wait_ready("Penyimpangan Internet");
    // The list opens once the background thread has delivered; before, x
    // says to wait. Each x is answered before the next, and a "wait" is
    // cleared (any key in normal mode clears the status) before the next
    // x, so that an old answer is never taken for the new one's.
    let screen = poll(|| {
        s.type_text("x");
        let sc = s.wait_screen("an answer to x", |sc| {
            let status = status_line(sc);
            (sc.contains("┌ Suggestions") && status.starts_with(" SUGGEST ") && status.contains("Suggested"))
                || status.contains("Still looking for suggestions")
        });
        if sc.contains("┌ Suggestions") {
            return Some(sc);
        }
        s.keys(&["Escape"]);
        s.wait_screen("the wait cleared", |sc| !status_line(sc).contains("Still looking for suggestions"));
        None
    })
    .expect("the suggestions list");
    assert!(status_line(&screen).starts_with(" SUGGEST "), "{screen}");
    assert!(status_line(&screen).contains("Suggested statistic = 8000 Kejahatan: 8.000"), "{screen}");
    s.type_text("y");
    s.wait_screen("the accepted statistic in the sidebar", |sc| sidebar_has(sc, "S", "8.000", "= 8000"));
    escape_to_normal(&s);
    s.type_text("q");
    assert_eq!(s.wait_exit(), 0);
    s.assert_restored();
    let file = read_annotations(&article);
    assert_eq!(file.annotations.len(), 1, "{file:#?}");
    assert_eq!(file.annotations[0].exact, "8.000");
}

/// The first row of the screen (the article's top row and the sidebar's title).
fn top_row(screen: &str) -> String {
    screen.lines().next().unwrap_or("").to_owned()
}

#[test]
fn an_article_reopens_where_the_user_stopped() {
    let Some(t) = TestDir::new("an_article_reopens_where_the_user_stopped") else { return };
    let article = t.copy_sample("a.txt");
    let s = Session::start(&t, WIDTH, &[path_str(&article)], "");
    let mut top = top_row(&s.wait_ready("Penyimpangan Internet"));
    let first = top.clone();
    for page in 1..=3 {
        s.keys(&["PageDown"]);
        let before = top.clone();
        top = top_row(&s.wait_screen(&format!("page {page}"), |sc| top_row(sc) != before));
    }
    assert_ne!(top, first);
    s.type_text("q");
    assert_eq!(s.wait_exit(), 0);
    s.assert_restored();
    let places = std::fs::read_to_string(t.data().join("marginote/places.ron")).expect("places.ron written");
    assert!(places.contains("a.txt"), "{places}");

    let again = Session::start(&t, WIDTH, &[path_str(&article)], "");
    let screen = again.wait_ready("");
    assert_eq!(top_row(&screen), top, "the same text at the top:\n{screen}");
    again.type_text("q");
    assert_eq!(again.wait_exit(), 0);
    again.assert_restored();
}

#[test]
fn a_folder_lists_its_articles_opens_one_and_comes_back() {
    let Some(t) = TestDir::new("a_folder_lists_its_articles_opens_one_and_comes_back") else { return };
    let news = t.work().join("news");
    std::fs::create_dir(&news).unwrap();
    let sample = news.join(SAMPLE_NAME);
    std::fs::copy(SAMPLE, &sample).unwrap();
    let airasia = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/news/en-reuters-airasia-qz8501.txt");
    std::fs::copy(airasia, news.join("en-reuters-airasia-qz8501.txt")).unwrap();
    let s = Session::start(&t, WIDTH, &[path_str(&news)], "");
    let row = |sc: &str, name: &str| sc.lines().find(|l| l.contains(name)).unwrap_or("").to_owned();
    let list = s.wait_screen("the folder list", |sc| {
        sc.contains("2 articles") && status_line(sc).starts_with(" FOLDER ")
    });
    assert!(row(&list, "en-reuters-airasia").contains("▸"), "the first is selected:\n{list}");
    assert!(row(&list, SAMPLE_NAME).contains("not annotated"), "{list}");
    s.assert_terminal_taken_over();

    s.type_text("j");
    s.wait_screen("the sample selected", |sc| row(sc, SAMPLE_NAME).contains("▸"));
    s.keys(&["Enter"]);
    s.wait_ready("Penyimpangan Internet");
    // In a prompt, Backspace edits the text: it does not go back.
    s.type_text("/Mx");
    s.wait_screen("the typed query", |sc| status_line(sc).starts_with("/Mx"));
    s.keys(&["BSpace"]);
    s.wait_screen("the query edited", |sc| status_line(sc).starts_with("/M") && !sc.contains("/Mx"));
    escape_to_normal(&s);
    search(&s, "Mark Zuckerberg");
    s.type_text("tp");
    s.wait_screen("Mark Zuckerberg tagged", |sc| sidebar_has(sc, "E", "Mark Zuckerberg", "Person"));

    s.keys(&["BSpace"]);
    let list = s.wait_screen("the list again, with the new count", |sc| {
        status_line(sc).starts_with(" FOLDER ") && row(sc, SAMPLE_NAME).contains("0 of 1 verified")
    });
    assert!(row(&list, SAMPLE_NAME).contains("▸"), "still selected:\n{list}");
    assert_eq!(read_annotations(&sample).annotations.len(), 1, "saved on the way back");
    assert!(t.data().join("marginote/places.ron").exists(), "the place is remembered");

    s.type_text("q");
    assert_eq!(s.wait_exit(), 0);
    s.assert_restored();
}

#[test]
fn sigterm_in_an_article_of_a_folder_saves_remembers_and_restores() {
    let Some(t) = TestDir::new("sigterm_in_an_article_of_a_folder_saves_remembers_and_restores") else {
        return;
    };
    let news = t.work().join("news");
    std::fs::create_dir(&news).unwrap();
    let article = news.join("a.txt");
    std::fs::copy(SAMPLE, &article).unwrap();
    let s = Session::start(&t, WIDTH, &[path_str(&news)], "");
    s.wait_screen("the folder list", |sc| {
        sc.contains("1 article") && status_line(sc).starts_with(" FOLDER ")
    });
    s.keys(&["Enter"]);
    s.wait_ready("Penyimpangan Internet");
    tag_8000_as_a_statistic(&s);
    s.signal("TERM");
    assert_eq!(s.wait_exit(), 0, "exit status after SIGTERM");
    s.assert_restored();
    assert_eq!(read_annotations(&article).annotations.len(), 1);
    let places = std::fs::read_to_string(t.data().join("marginote/places.ron")).expect("places.ron written");
    assert!(places.contains("a.txt"), "{places}");
}
