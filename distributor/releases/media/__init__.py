"""A release's media kit: its images in the sizes an email, a web page and a print desk need,
and its documents (press kit, fact sheet), kept in the data folder and served by the web app.
"""
