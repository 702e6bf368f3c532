#!/usr/bin/env python3
"""Writes the hand-written Pushshift-format sample lines (src/*.ndjson); bench/PushshiftGen.java compresses them."""
import json, os
os.chdir(os.path.dirname(os.path.abspath(__file__)))
subs = []; coms = []
T = 1704067200
def sub(id, sr, title, score, selftext="", **kw):
    d = {"id": id, "subreddit": sr, "author": kw.pop("author", "writer_" + id), "title": title, "selftext": selftext, "score": score,
         "created_utc": T + len(subs) * 60, "over_18": kw.pop("over_18", False), "stickied": kw.pop("stickied", False),
         "distinguished": kw.pop("distinguished", None), "num_comments": 5, "is_self": True,
         "permalink": "/r/%s/comments/%s/x/" % (sr, id), "subreddit_id": "t5_abc", "link_flair_text": None, "media_embed": {}, "preview": {"images": []}}
    d.update(kw); subs.append(d)
def com(id, link, body, score, parent=None, **kw):
    d = {"id": id, "link_id": "t3_" + link, "parent_id": parent or "t3_" + link, "body": body, "score": score, "author": kw.pop("author", "user_" + id),
         "created_utc": T + 3600 + len(coms) * 30, "stickied": kw.pop("stickied", False), "distinguished": kw.pop("distinguished", None),
         "subreddit": kw.pop("subreddit", "WritingPrompts"), "controversiality": 0, "gilded": 0, "edited": False}
    d.update(kw); coms.append(d)
s1 = "The lighthouse keeper had kept the lamp burning for forty years, and in all that time no ship had ever come. Tonight one did. It slid out of the fog without a sound, its sails grey as ash, and dropped anchor just beyond the rocks.\n\nShe climbed down the spiral stairs with the lantern shaking in her hand. On the jetty stood a boy of about ten, soaked to the skin, holding a letter sealed with her own handwriting.\n\n\"You told me to come back when the light went out,\" he said. She looked up. For the first time in forty years, the lamp was dark."
s2 = "Every morning at 7:03 the coffee machine in the break room said good morning to Dennis, and only to Dennis. Nobody else heard it. He had stopped mentioning it after the second HR meeting.\n\nToday it said something different. \"Don't take the elevator.\" Dennis laughed, pressed the button anyway, and then, for reasons he could never afterwards explain, turned and took the stairs all fourteen floors down.\n\nHe was on the ninth floor landing when the lights went out across the whole building. Somewhere above him the machine was still talking, very quietly, to no one at all."
s3 = "When the aliens finally landed, they did not ask for our leaders. They asked for our grandmothers. Specifically, they wanted the recipes.\n\nIt turned out that across the galaxy, soup was sacred, and ours had been detected from orbit: eight billion people, thousands of years, and not one of them made it the same way. The ambassadors sat in kitchens from Lagos to Lima, taking notes with all six hands.\n\nMy grandmother made them wait an hour, told them the stock was not ready, and refused to write anything down. They have been here three years now. They still have not got it right."
s_short = "The end. It was a dream all along."
s_other = "Not a story, but I love this prompt. Someone please write the version where the dragon is the accountant."
s4 = "The last human librarian checked out the last book on a Tuesday. The robots had asked politely for years whether the paper copies were still needed, and she had always said yes. Now she carried the final volume home under her arm, a battered atlas with half the countries renamed.\n\nThat night she read it cover to cover, tracing borders that no longer existed with one finger. In the morning she walked back, placed it on the returns trolley, and told the robots they could have the building. They thanked her and, quietly, put the atlas back on its shelf."
sub("wp1001", "WritingPrompts", "[WP] A lighthouse keeper has kept the light burning for forty years. Tonight, a ship finally arrives.", 5210)
com("c1001a", "wp1001", "Welcome to the Prompt! All top-level comments must be a story or poem.", 1, author="AutoModerator", stickied=True, distinguished="moderator")
com("c1001b", "wp1001", s1, 1803)
com("c1001c", "wp1001", s_other, 2200, parent="t1_c1001b")
com("c1001d", "wp1001", "[removed]", 3000)
sub("wp1002", "WritingPrompts", "[WP] The coffee machine at work only talks to you. Today it gives you a warning.", 3120)
com("c1002a", "wp1002", s2, 940)
com("c1002b", "wp1002", s_short, 1200)
sub("wp1003", "WritingPrompts", "[EU][WP] Aliens land on Earth, but they are only interested in our grandmothers&#39; soup recipes &amp; nothing else.", 2890)
com("c1003a", "wp1003", s3, 1011)
com("c1003b", "wp1003", s3.replace("three years", "four years"), 1011, author="[deleted]")
sub("wp1004", "WritingPrompts", "[OT] Monthly meta thread: feedback on the new flair rules", 4000)
sub("wp1005", "WritingPrompts", "[WP] An adult prompt that is marked NSFW", 3900, over_18=True)
com("c1005a", "wp1005", s1, 500)
sub("wp1006", "WritingPrompts", "[WP] The last human librarian returns the last paper book.", 120)
com("c1006a", "wp1006", s4, 77)
sub("wp1007", "WritingPrompts", "[WP] A prompt whose only answer was deleted", 2500)
com("c1007a", "wp1007", "[deleted]", 400, author="[deleted]")
sub("wp1008", "WritingPrompts", "[deleted]", 2600, author="[deleted]", selftext="[deleted]")
for i, (t, sc, kw) in enumerate([
        ("What is a skill that everyone should learn before they turn twenty?", 41000, {}),
        ("What's the best piece of advice you have ever received from a stranger?", 38800, {}),
        ("[Serious] Doctors of Reddit, what symptom do people ignore that they really shouldn't?", 35100, {}),
        ("What do you think about this picture I took yesterday?", 30000, {}),
        ("People who changed careers after forty, what made you do it?", 29000, {"selftext": "I am 43 and thinking about it, details inside."}),
        ("My landlord just texted me this", 28000, {}),
        ("What is the most overrated tourist attraction in the world?", 27500, {}),
        ("What's something that sounds fake but is actually true?", 26000, {"removed_by_category": "moderator", "selftext": "[removed]"}),
        ("What hobby would you pick up if money and time were no object?", 24000, {}),
        ("Which invention do you think will matter most in the next fifty years?", 19000, {}),
        ("What would you do with a free afternoon in a city you have never visited?", 12000, {}),
        ]):
    sub("ar%04d" % i, "AskReddit", t, sc, **kw)
sub("ot0001", "Calligraphy", "Word of the Day - January 31 - Astringent", 11, selftext="# Word of the day")
com("c9001", "ot0001", "Lovely strokes on the A!", 3, subreddit="Calligraphy")
with open("RS_2024-01_sample.ndjson", "w") as f:
    for d in subs: f.write(json.dumps(d) + "\n")
with open("RC_2024-01_sample.ndjson", "w") as f:
    for d in coms: f.write(json.dumps(d) + "\n")
