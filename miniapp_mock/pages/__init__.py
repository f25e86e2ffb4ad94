"""The phone pages (H5) of the simulated mini-program: what a party's phone opens from the QR
code. See ``phone_page`` and docs/phone.md."""
