"""The agent's side of the signing handshake: signing orders, QR codes, signing keys."""
