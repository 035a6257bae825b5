"""Accounts that are not real people: left out of the dashboard's figures.

The demo seeding puts the accounts it prints (anyone may log in with them on a
demo site) in this group; coordinators may put their own test accounts in it in
the back office. Staff accounts are left out of the figures anyway.
"""

TEST_ACCOUNTS_GROUP = "Test and demo accounts"
