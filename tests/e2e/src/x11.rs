//! The app's window as the X server sees it (the tests run under Xvfb with
//! no window manager): whether it is shown, and closing it the way a
//! window manager's close button does (a `WM_DELETE_WINDOW` message, which
//! GTK turns into the close request Tauri hands the app). A window is
//! found by the process that owns it (`_NET_WM_PID`), so tests that share
//! the display do not touch each other's windows. libX11 is loaded at run
//! time (x11-dl, already in the lock file through tao).

use std::{ffi::CString, os::raw::c_long, ptr};

use x11_dl::xlib;

/// An open connection to the display in `DISPLAY`.
struct Display {
    xlib: xlib::Xlib,
    display: *mut xlib::Display,
}

impl Display {
    fn open() -> Display {
        let xlib = xlib::Xlib::open().expect("libX11 loads");
        // SAFETY: a null name opens `DISPLAY`; the result is checked.
        let display = unsafe { (xlib.XOpenDisplay)(ptr::null()) };
        assert!(!display.is_null(), "the X display opens (run under xvfb-run)");
        Display { xlib, display }
    }

    fn atom(&self, name: &str) -> xlib::Atom {
        let name = CString::new(name).unwrap();
        // SAFETY: an open display and a NUL-terminated name.
        unsafe { (self.xlib.XInternAtom)(self.display, name.as_ptr(), xlib::False) }
    }

    /// The 32-bit values of `property` on `window`.
    fn property(&self, window: xlib::Window, property: &str) -> Vec<u64> {
        let (mut kind, mut format, mut count, mut after) = (0, 0, 0, 0);
        let mut data: *mut u8 = ptr::null_mut();
        // SAFETY: out-pointers to locals; the data is freed below.
        let status = unsafe {
            (self.xlib.XGetWindowProperty)(
                self.display,
                window,
                self.atom(property),
                0,
                64,
                xlib::False,
                xlib::AnyPropertyType as u64,
                &mut kind,
                &mut format,
                &mut count,
                &mut after,
                &mut data,
            )
        };
        let mut values = vec![];
        if status == xlib::Success as i32 && !data.is_null() {
            if format == 32 {
                // Format 32 comes as C longs, whatever their size.
                // SAFETY: `count` longs as the server said.
                let longs = unsafe { std::slice::from_raw_parts(data as *const c_long, count as usize) };
                values = longs.iter().map(|l| *l as u64).collect();
            }
            // SAFETY: allocated by Xlib for this call.
            unsafe { (self.xlib.XFree)(data.cast()) };
        }
        values
    }

    /// Every window under `window`, itself included.
    fn tree(&self, window: xlib::Window, into: &mut Vec<xlib::Window>) {
        into.push(window);
        let (mut root, mut parent, mut children, mut count) = (0, 0, ptr::null_mut(), 0);
        // SAFETY: out-pointers to locals; the children are freed below.
        let ok =
            unsafe { (self.xlib.XQueryTree)(self.display, window, &mut root, &mut parent, &mut children, &mut count) };
        if ok != 0 && !children.is_null() {
            // SAFETY: `count` windows as the server said.
            let list = unsafe { std::slice::from_raw_parts(children, count as usize) }.to_vec();
            // SAFETY: allocated by Xlib for this call.
            unsafe { (self.xlib.XFree)(children.cast()) };
            for child in list {
                self.tree(child, into);
            }
        }
    }

    /// The top-level windows of process `pid` that a window manager could
    /// close (they take `WM_DELETE_WINDOW`).
    fn windows_of(&self, pid: u32) -> Vec<xlib::Window> {
        // SAFETY: an open display.
        let root = unsafe { (self.xlib.XDefaultRootWindow)(self.display) };
        let mut all = vec![];
        self.tree(root, &mut all);
        let delete = self.atom("WM_DELETE_WINDOW");
        all.into_iter()
            .filter(|w| self.property(*w, "_NET_WM_PID") == [u64::from(pid)])
            .filter(|w| self.property(*w, "WM_PROTOCOLS").contains(&delete))
            .collect()
    }

    fn is_viewable(&self, window: xlib::Window) -> bool {
        // SAFETY: a zeroed plain C struct, filled by the call.
        let mut attributes: xlib::XWindowAttributes = unsafe { std::mem::zeroed() };
        // SAFETY: an open display and an out-pointer to a local.
        let ok = unsafe { (self.xlib.XGetWindowAttributes)(self.display, window, &mut attributes) };
        ok != 0 && attributes.map_state == xlib::IsViewable
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        // SAFETY: opened in `open`, closed once.
        unsafe { (self.xlib.XCloseDisplay)(self.display) };
    }
}

/// Whether process `pid` has a window on the screen (mapped and viewable).
pub fn window_shown(pid: u32) -> bool {
    let display = Display::open();
    display.windows_of(pid).into_iter().any(|w| display.is_viewable(w))
}

/// Asks each closable window of process `pid` to close, as a window
/// manager's close button does; returns how many were asked.
pub fn close_windows(pid: u32) -> usize {
    let display = Display::open();
    let windows = display.windows_of(pid);
    let (protocols, delete) = (display.atom("WM_PROTOCOLS"), display.atom("WM_DELETE_WINDOW"));
    for &window in &windows {
        let mut data = xlib::ClientMessageData::new();
        data.set_long(0, delete as c_long);
        data.set_long(1, xlib::CurrentTime as c_long);
        let message = xlib::XClientMessageEvent {
            type_: xlib::ClientMessage,
            serial: 0,
            send_event: xlib::True,
            display: display.display,
            window,
            message_type: protocols,
            format: 32,
            data,
        };
        let mut event = xlib::XEvent { client_message: message };
        // SAFETY: an open display, a window it listed, a filled event.
        unsafe {
            (display.xlib.XSendEvent)(display.display, window, xlib::False, xlib::NoEventMask, &mut event);
            (display.xlib.XFlush)(display.display);
        }
    }
    windows.len()
}
