"""DKIM signatures (RFC 6376) made through OpenSSL: relaxed/relaxed, rsa-sha256 and
ed25519-sha256 (RFC 8463), one or two selectors at once for key rotation.

`canonical` turns a message into the bytes that are hashed, `fields` picks the signed
header fields, `keys` reads the private keys, `signature` writes one DKIM-Signature,
`signer` puts them in front of a message, `configured` reads the settings and
`records` writes and checks the DNS records that publish the keys.
"""
