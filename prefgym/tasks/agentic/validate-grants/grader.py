"""Grader for validate-grants. Runs in /work after the episode; its checks are reported by prefgym's launcher.

Runs the agent's /work/validate.py against a pristine copy of the visible applications file and
against hidden CSV files embedded below (written to a temporary folder, never into /work), and
compares standard output line by line and the exit status. The script runs as the agent's user
(grader_kit.run_agent), which cannot read the grader's private folder, so it never sees the
expected output. An instance of the family (generate.py) brings its own files, visible and hidden,
and their expected output through grader_kit.params(); the file names and checks stay these.
"""

import os
import shutil
import time

from grader_kit import add, params, run_agent, shared_dir  # copied beside this file by prefgym

SCRIPT = os.path.join(os.getcwd(), "validate.py")

# --- data (the visible file as shipped, the hidden files, and the exact expected stdout of each) ---
# Each file: an optional UTF-8 byte-order mark, then its lines joined by eol.
FILE_SPECS = {
  'applications_2025.csv':
    {"bom": False, "eol": '\n', "lines": [
        'application_id,organisation,contact_email,amount_requested,currency,start_date,end_date,category,previous_grant_id',
        'GA-0101,Riverside Youth Choir,director@riversidechoir.org,4500,USD,2025-09-01,2026-06-30,arts,',
        'GA-0102,Northgate Food Bank,ops@northgatefoodbank.org,12000.00,USD,2025-07-01,2026-06-30,community,GA-0044',
        'GA-0103,Clearwater Trust,grants@clearwater-trust.org.uk,"12,500",GBP,2025-10-01,2026-09-30,environment,',
        'GA-0104,Hill Street Library,,3000,USD,2025-08-15,2026-08-14,education,',
        'GA-0105,Bright Futures Tutoring,info@brightfutures.org,450,USD,2025-09-01,2026-05-31,education,',
        'GA-0106,"Parks, Paths & Trails Alliance",hello@ppta.org,8000,usd,2025-06-01,2025-11-30,environment,',
        'GA-0107,Eastside Health Clinic,admin@eastsideclinic.org,25000,USD,2025-06-31,2026-06-30,health,',
        'GA-0108,Lakeshore Arts Collective,team@lakeshorearts.org,6000,EUR,2026-03-01,2025-03-01,arts,',
        'GA-0109,Greenway Schools Garden,garden@greenway.edu,15000,USD,2025-09-01,2028-08-31,Education,',
        'GA-0102,Northgate Food Bank,ops@northgatefoodbank.org,9000,USD,2026-07-01,2027-06-30,community,GA-0044',
        'GA-0110,Harbour Seniors Network,contact@@harbourseniors.org,2000,GBP,2025-05-01,2025-12-31,community,',
        'GA-0111,Mountain Rescue Volunteers,rescue@mrv.org,32000,EUR,2025-04-01,2026-03-31,health,',
        'GA-0112,City Youth Orchestra,play@cityyouthorchestra.org,18000.5,USD,2025-09-01,2026-08-31,arts,GA-123',
        'GA-0113,Westfield Literacy Project,read@westfieldliteracy.org,5000,USD,2025-09-01,2026-06-30,education',
        'GA-0114,Open Door Shelter,help@opendoorshelter.org,50000,USD,2025-01-01,2026-12-31,community,GA-0078',
        '',
        'GA-0115,  Coastal Cleanup Crew ,  crew@coastalcleanup.org ,  2750.00 , GBP , 2025-06-01 , 2025-09-30 , environment ,',
        'GA-0116,Sunrise Refugee Welcome,,,EUR,2025-07-01,,community,',
        '',
    ]},
  'incoming/dates.csv':
    {"bom": False, "eol": '\n', "lines": [
        'application_id,organisation,contact_email,amount_requested,currency,start_date,end_date,category,previous_grant_id',
        'GA-0201,Leap Year Club,a@leap.org,1000,USD,2024-02-29,2025-02-28,community,',
        'GA-0202,Not A Leap Day,b@leap.org,1000,USD,2025-02-29,2025-12-31,community,',
        'GA-0203,Same Day Project,c@same.org,1000,USD,2025-05-05,2025-05-05,arts,',
        'GA-0204,Exactly Two Years,d@two.org,1000,USD,2025-01-01,2027-01-01,education,',
        'GA-0205,One Day Too Long,e@two.org,1000,USD,2025-01-01,2027-01-02,education,',
        'GA-0206,Leap Span,f@two.org,1000,USD,2024-01-01,2026-01-01,education,',
        'GA-0207,Unpadded Dates,g@dates.org,1000,USD,2025-1-5,2025-12-31,health,',
        'GA-0208,Compact Dates,h@dates.org,1000,USD,20250105,2025-12-31,health,',
        'GA-0209,Month Thirteen,i@dates.org,1000,USD,2025-03-01,2025-13-01,health,',
        'GA-0210,US Style,j@dates.org,1000,USD,05/01/2025,2025-12-31,health,',
        'GA-0211,No Start,k@dates.org,1000,USD,,2025-12-31,arts,',
        'GA-0212,With Time,l@dates.org,1000,USD,2025-06-01T00:00,2025-12-31,arts,',
        'GA-0213,Padded Dates,m@dates.org,1000,USD, 2025-03-01 , 2025-03-02 ,arts,',
        'GA-0214,Backwards,n@dates.org,1000,USD,2025-12-31,2025-01-01,arts,',
        'GA-0215,Both Bad,o@dates.org,1000,USD,2025-00-10,2025-04-31,arts,',
        '',
    ]},
  'incoming/amounts.csv':
    {"bom": False, "eol": '\n', "lines": [
        'application_id,organisation,contact_email,amount_requested,currency,start_date,end_date,category,previous_grant_id',
        'GA-0301,Floor Exactly,a@amt.org,500,USD,2025-01-01,2025-12-31,arts,',
        'GA-0302,Just Under,b@amt.org,499.99,USD,2025-01-01,2025-12-31,arts,',
        'GA-0303,Cap Exactly,c@amt.org,50000,EUR,2025-01-01,2025-12-31,arts,GA-0001',
        'GA-0304,Cap With Cents,d@amt.org,50000.00,EUR,2025-01-01,2025-12-31,arts,GA-0001',
        'GA-0305,Just Over,e@amt.org,50000.01,EUR,2025-01-01,2025-12-31,arts,GA-0001',
        'GA-0306,Thousands Comma,f@amt.org,"1,000",GBP,2025-01-01,2025-12-31,arts,',
        'GA-0307,Dollar Sign,g@amt.org,$750,USD,2025-01-01,2025-12-31,arts,',
        'GA-0308,Three Decimals,h@amt.org,12.345,USD,2025-01-01,2025-12-31,arts,',
        'GA-0309,Trailing Point,i@amt.org,600.,USD,2025-01-01,2025-12-31,arts,',
        'GA-0310,Negative,j@amt.org,-600,USD,2025-01-01,2025-12-31,arts,',
        'GA-0311,Exponent,k@amt.org,1e4,USD,2025-01-01,2025-12-31,arts,',
        'GA-0312,Twenty Thousand,l@amt.org,20000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0313,A Cent More,m@amt.org,20000.01,USD,2025-01-01,2025-12-31,arts,',
        'GA-0314,Returning Grantee,n@amt.org,25000,USD,2025-01-01,2025-12-31,arts,GA-0099',
        'GA-0315,Far Too Much,o@amt.org,60000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0316,Words,p@amt.org,ten thousand,USD,2025-01-01,2025-12-31,arts,',
        'GA-0317,Bad Previous,q@amt.org,30000,USD,2025-01-01,2025-12-31,arts,ga-0012',
        'GA-0318,Padded Amount,r@amt.org, 750 ,USD,2025-01-01,2025-12-31,arts,',
        'GA-0319,Leading Zero,s@amt.org,0750.5,USD,2025-01-01,2025-12-31,arts,',
        'GA-0320,Small Ask Previous,t@amt.org,900,USD,2025-01-01,2025-12-31,arts,GA-0007',
        '',
    ]},
  'incoming/ids.csv':
    {"bom": False, "eol": '\n', "lines": [
        'application_id,organisation,contact_email,amount_requested,currency,start_date,end_date,category,previous_grant_id',
        'GA-0001,First Org,a@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0001,First Org Again,b@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'ga-0002,Lower Case Id,c@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'ga-0002,Lower Case Again,d@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-002,Short Id,e@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-00021,Long Id,f@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA 0003,Space Id,g@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0004,Too Few Fields,h@ids.org,1000,USD,2025-01-01,2025-12-31,arts',
        'GA-0005,Comma, Unquoted,i@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0005,Real Five,j@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        '',
        'GA-0006,Broken Row,not-an-email,abc,XYZ,2025-02-30,2025-12-31,misc,',
        'GA-0006,Broken Row Fixed,k@ids.org,1000,USD,2025-03-01,2025-12-31,arts,',
        ',No Id,l@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0001,Third Time,m@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        '   ',
        ',,,,,,,,',
        '  GA-0007  ,Padded Id,n@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0007,Padded Id Twin,o@ids.org,1000,USD,2025-01-01,2025-12-31,arts,',
        '',
    ]},
  'incoming/emails_codes.csv':
    {"bom": False, "eol": '\n', "lines": [
        'application_id,organisation,contact_email,amount_requested,currency,start_date,end_date,category,previous_grant_id',
        'GA-0401,Plain,a@b.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0402,Double At,name@@example.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0403,No At,name.example.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0404,Empty Local,@example.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0405,No Dot,name@example,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0406,Leading Dot,name@.example.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0407,Trailing Dot,name@example.org.,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0408,Inner Space,first last@example.org,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0409,Mixed Case,Name@Example.ORG,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0410,Sub Domain,x@sub.example.co.uk,1000,USD,2025-01-01,2025-12-31,arts,',
        'GA-0411,Lower Currency,p@codes.org,1000,usd,2025-01-01,2025-12-31,arts,',
        'GA-0412,Padded Currency,q@codes.org,1000,EUR ,2025-01-01,2025-12-31,arts,',
        'GA-0413,Swiss,r@codes.org,1000,CHF,2025-01-01,2025-12-31,arts,',
        'GA-0414,Symbol,s@codes.org,1000,US$,2025-01-01,2025-12-31,arts,',
        'GA-0415,Capital Category,t@codes.org,1000,GBP,2025-01-01,2025-12-31,Education,',
        'GA-0416,Padded Category,u@codes.org,1000,GBP,2025-01-01,2025-12-31, health ,',
        'GA-0417,Compound Category,v@codes.org,1000,GBP,2025-01-01,2025-12-31,arts & culture,',
        'GA-0418,Near Category,w@codes.org,1000,GBP,2025-01-01,2025-12-31,environmental,',
        'GA-0419,,bad@@x,1000,gbp,2025-01-01,2025-12-31,sport,',
        'GA-0420,Everything Missing,,,,,,,',
        'GA-0421,Quoted Fields,"y@codes.org","1000","GBP","2025-01-01","2025-12-31","community",""',
        'GA-0422,Space In Domain,"z@codes org.uk",1000,GBP,2025-01-01,2025-12-31,community,',
        '',
    ]},
  'incoming/missing_columns.csv':
    {"bom": True, "eol": '\n', "lines": [
        'application_id,organisation,amount_requested,currency,start_date,end_date,notes,previous_grant_id',
        'GA-0501,Anything,1000,USD,2025-01-01,2025-12-31,,',
        'GA-0501,Duplicate Would Not Matter,1000,usd,2025-01-01,2024-12-31,,',
        '',
    ]},
  'incoming/clean_reordered.csv':
    {"bom": False, "eol": '\n', "lines": [
        'organisation,application_id,category,amount_requested,currency,contact_email,notes,start_date,end_date,previous_grant_id',
        '"Friends of the Park, Inc.",GA-0601,environment,7500,USD,parks@friendsofthepark.org,"needs benches, bins",2025-04-01,2026-03-31,',
        'Valley Arts Trust,GA-0602,arts,20000.00,GBP,office@valleyarts.org.uk,,2025-09-01,2026-08-31,',
        '',
        '"St. Mary\'s ""Open Kitchen""",GA-0603,community,42000,EUR,kitchen@stmarys.ie,returning,2025-01-15,2027-01-15,GA-0311',
        'Dr. Ada Health Fund,GA-0604,health,500,USD,ada@health.example.com,"a, b, c",2025-02-28,2025-03-01,',
        '',
        '',
        'Learning Lab,GA-0605,education,50000,USD,lab@learninglab.org,,2024-02-29,2026-02-28,GA-0100',
    ]},
  'incoming/clean_bom_crlf.csv':
    {"bom": True, "eol": '\r\n', "lines": [
        'application_id,organisation,contact_email,amount_requested,currency,start_date,end_date,category,previous_grant_id',
        'GA-0701, Tidewater Watershed Council ,info@tidewater.org, 3200.50 , USD ,2025-03-01, 2025-10-31 ,environment,',
        '  GA-0702 ,"Hope, Health & Home",  care@hopehealthhome.org,19999.99,EUR,2025-06-01,2027-05-31,  health  ,',
        '',
        'GA-0703,Northern Lights Theatre,box@nlt.org,21000,GBP,2025-01-01,2025-12-31,arts, GA-0012 ',
        'GA-0704,Kids Code Club,hi@kidscode.club,999,USD,2025-08-01,2025-08-02,education,',
        '',
    ]},
}

EXPECTED = {
    'applications_2025.csv': [
        'applications_2025.csv:4: invalid amount_requested "12,500"',
        'applications_2025.csv:5: missing contact_email',
        'applications_2025.csv:6: amount_requested out of range "450"',
        'applications_2025.csv:7: invalid currency "usd"',
        'applications_2025.csv:8: invalid start_date "2025-06-31"',
        'applications_2025.csv:8: previous_grant_id required above 20000',
        'applications_2025.csv:9: end_date must be after start_date',
        'applications_2025.csv:10: project longer than 730 days',
        'applications_2025.csv:10: invalid category "Education"',
        'applications_2025.csv:11: duplicate application_id "GA-0102" (first seen on line 3)',
        'applications_2025.csv:12: invalid contact_email "contact@@harbourseniors.org"',
        'applications_2025.csv:13: previous_grant_id required above 20000',
        'applications_2025.csv:14: invalid previous_grant_id "GA-123"',
        'applications_2025.csv:15: expected 9 fields, got 8',
        'applications_2025.csv:19: missing contact_email',
        'applications_2025.csv:19: missing amount_requested',
        'applications_2025.csv:19: missing end_date',
    ],
    'incoming/dates.csv': [
        'incoming/dates.csv:3: invalid start_date "2025-02-29"',
        'incoming/dates.csv:4: end_date must be after start_date',
        'incoming/dates.csv:6: project longer than 730 days',
        'incoming/dates.csv:7: project longer than 730 days',
        'incoming/dates.csv:8: invalid start_date "2025-1-5"',
        'incoming/dates.csv:9: invalid start_date "20250105"',
        'incoming/dates.csv:10: invalid end_date "2025-13-01"',
        'incoming/dates.csv:11: invalid start_date "05/01/2025"',
        'incoming/dates.csv:12: missing start_date',
        'incoming/dates.csv:13: invalid start_date "2025-06-01T00:00"',
        'incoming/dates.csv:15: end_date must be after start_date',
        'incoming/dates.csv:16: invalid start_date "2025-00-10"',
        'incoming/dates.csv:16: invalid end_date "2025-04-31"',
    ],
    'incoming/amounts.csv': [
        'incoming/amounts.csv:3: amount_requested out of range "499.99"',
        'incoming/amounts.csv:6: amount_requested out of range "50000.01"',
        'incoming/amounts.csv:7: invalid amount_requested "1,000"',
        'incoming/amounts.csv:8: invalid amount_requested "$750"',
        'incoming/amounts.csv:9: invalid amount_requested "12.345"',
        'incoming/amounts.csv:10: invalid amount_requested "600."',
        'incoming/amounts.csv:11: invalid amount_requested "-600"',
        'incoming/amounts.csv:12: invalid amount_requested "1e4"',
        'incoming/amounts.csv:14: previous_grant_id required above 20000',
        'incoming/amounts.csv:16: amount_requested out of range "60000"',
        'incoming/amounts.csv:16: previous_grant_id required above 20000',
        'incoming/amounts.csv:17: invalid amount_requested "ten thousand"',
        'incoming/amounts.csv:18: invalid previous_grant_id "ga-0012"',
    ],
    'incoming/ids.csv': [
        'incoming/ids.csv:3: duplicate application_id "GA-0001" (first seen on line 2)',
        'incoming/ids.csv:4: invalid application_id "ga-0002"',
        'incoming/ids.csv:5: invalid application_id "ga-0002"',
        'incoming/ids.csv:6: invalid application_id "GA-002"',
        'incoming/ids.csv:7: invalid application_id "GA-00021"',
        'incoming/ids.csv:8: invalid application_id "GA 0003"',
        'incoming/ids.csv:9: expected 9 fields, got 8',
        'incoming/ids.csv:10: expected 9 fields, got 10',
        'incoming/ids.csv:13: invalid contact_email "not-an-email"',
        'incoming/ids.csv:13: invalid amount_requested "abc"',
        'incoming/ids.csv:13: invalid currency "XYZ"',
        'incoming/ids.csv:13: invalid start_date "2025-02-30"',
        'incoming/ids.csv:13: invalid category "misc"',
        'incoming/ids.csv:14: duplicate application_id "GA-0006" (first seen on line 13)',
        'incoming/ids.csv:15: missing application_id',
        'incoming/ids.csv:16: duplicate application_id "GA-0001" (first seen on line 2)',
        'incoming/ids.csv:17: expected 9 fields, got 1',
        'incoming/ids.csv:18: missing application_id',
        'incoming/ids.csv:18: missing organisation',
        'incoming/ids.csv:18: missing contact_email',
        'incoming/ids.csv:18: missing amount_requested',
        'incoming/ids.csv:18: missing currency',
        'incoming/ids.csv:18: missing start_date',
        'incoming/ids.csv:18: missing end_date',
        'incoming/ids.csv:18: missing category',
        'incoming/ids.csv:20: duplicate application_id "GA-0007" (first seen on line 19)',
    ],
    'incoming/emails_codes.csv': [
        'incoming/emails_codes.csv:3: invalid contact_email "name@@example.org"',
        'incoming/emails_codes.csv:4: invalid contact_email "name.example.org"',
        'incoming/emails_codes.csv:5: invalid contact_email "@example.org"',
        'incoming/emails_codes.csv:6: invalid contact_email "name@example"',
        'incoming/emails_codes.csv:7: invalid contact_email "name@.example.org"',
        'incoming/emails_codes.csv:8: invalid contact_email "name@example.org."',
        'incoming/emails_codes.csv:9: invalid contact_email "first last@example.org"',
        'incoming/emails_codes.csv:12: invalid currency "usd"',
        'incoming/emails_codes.csv:14: invalid currency "CHF"',
        'incoming/emails_codes.csv:15: invalid currency "US$"',
        'incoming/emails_codes.csv:16: invalid category "Education"',
        'incoming/emails_codes.csv:18: invalid category "arts & culture"',
        'incoming/emails_codes.csv:19: invalid category "environmental"',
        'incoming/emails_codes.csv:20: missing organisation',
        'incoming/emails_codes.csv:20: invalid contact_email "bad@@x"',
        'incoming/emails_codes.csv:20: invalid currency "gbp"',
        'incoming/emails_codes.csv:20: invalid category "sport"',
        'incoming/emails_codes.csv:21: missing contact_email',
        'incoming/emails_codes.csv:21: missing amount_requested',
        'incoming/emails_codes.csv:21: missing currency',
        'incoming/emails_codes.csv:21: missing start_date',
        'incoming/emails_codes.csv:21: missing end_date',
        'incoming/emails_codes.csv:21: missing category',
        'incoming/emails_codes.csv:23: invalid contact_email "z@codes org.uk"',
    ],
    'incoming/missing_columns.csv': [
        'incoming/missing_columns.csv:1: missing column contact_email',
        'incoming/missing_columns.csv:1: missing column category',
    ],
    'incoming/clean_reordered.csv': [
    ],
    'incoming/clean_bom_crlf.csv': [
    ],
}

INSTANCE = params()  # an instance of the family (generate.py): its own files and their expected output
if INSTANCE:
    FILE_SPECS, EXPECTED = INSTANCE["files"], INSTANCE["expected"]
FILES = {name: ("\ufeff" if s["bom"] else "") + s["eol"].join(s["lines"]) for name, s in FILE_SPECS.items()}
# ---------------------------------------------------------------------------------------------------

CHECKS = [  # (check name, file name, weight)
    ("visible_applications_2025", "applications_2025.csv", 1.0),
    ("hidden_dates", "incoming/dates.csv", 1.0),
    ("hidden_amounts_and_previous_grants", "incoming/amounts.csv", 1.0),
    ("hidden_ids_duplicates_and_field_counts", "incoming/ids.csv", 1.0),
    ("hidden_emails_currencies_categories", "incoming/emails_codes.csv", 1.0),
    ("hidden_missing_columns_with_bom", "incoming/missing_columns.csv", 1.0),
    ("hidden_clean_reordered_columns", "incoming/clean_reordered.csv", 1.0),
    ("hidden_clean_bom_crlf_padding", "incoming/clean_bom_crlf.csv", 1.0),
]


DEADLINE = time.monotonic() + 75  # all runs together stay well inside the grader's own time limit


def run(tmp, args):
    """Run validate.py as the agent's user, output capped, killed (with all it left) at its time limit."""
    left = DEADLINE - time.monotonic()
    if left <= 1:
        raise TimeoutError("no time left: earlier runs of validate.py were too slow")
    code, stdout, stderr = run_agent(["python3", SCRIPT, *args], cwd=tmp, timeout=min(10.0, left))
    lines = [ln.rstrip() for ln in stdout.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return code, lines, stderr


def compare(got, expected):
    if got == expected:
        return f"{len(got)} lines match"
    missing = [ln for ln in expected if ln not in got]
    extra = [ln for ln in got if ln not in expected]
    order = " (same lines, wrong order)" if sorted(got) == sorted(expected) else ""
    return f"{len(got)} lines vs {len(expected)} expected{order}; missing={missing[:3]} extra={extra[:3]}"


def main():
    tmp = None
    try:
        if not os.path.isfile(SCRIPT):
            raise FileNotFoundError("/work/validate.py does not exist")
        tmp = shared_dir("prefgym-grants-")
        os.makedirs(os.path.join(tmp, "incoming"))
        for name, text in FILES.items():
            with open(os.path.join(tmp, name), "w", encoding="utf-8", newline="") as f:
                f.write(text)
        setup_error = None
    except Exception as exc:
        setup_error = f"{type(exc).__name__}: {exc}"

    results = {}
    for name, path, weight in CHECKS:
        try:
            if setup_error:
                raise RuntimeError(setup_error)
            code, lines, err = run(tmp, [path])
            results[path] = (code, lines)
            want_code = 1 if EXPECTED[path] else 0
            ok = code == want_code and lines == EXPECTED[path]
            if not EXPECTED[path]:  # staying silent on a clean file only counts for a script that finds errors
                vcode, vlines = results.get("applications_2025.csv", (None, []))
                if vcode != 1 or not vlines:
                    add(name, weight, False, "validate.py does not report the errors of applications_2025.csv")
                    continue
            add(name, weight, ok, f"exit={code} (expected {want_code}); {compare(lines, EXPECTED[path])}"
                + (f"; stderr={err.strip()[-200:]!r}" if code not in (0, 1) else ""))
        except Exception as exc:
            add(name, weight, False, f"{type(exc).__name__}: {exc}"[:300])

    try:  # only meaningful for a script that really reports errors
        if setup_error:
            raise RuntimeError(setup_error)
        code, lines = results.get("applications_2025.csv", (None, []))
        if code != 1 or not lines:
            raise RuntimeError("validate.py does not report the errors of applications_2025.csv")
        no_args = run(tmp, [])
        missing = run(tmp, ["incoming/no_such_file.csv"])
        ok = no_args[0] == 2 and missing[0] == 2 and not missing[1] and missing[2].strip() != ""
        add("usage_errors_exit_2", 0.5, ok, f"no arguments: exit {no_args[0]}; missing file: exit {missing[0]}, "
            f"stdout={missing[1][:2]}, stderr={missing[2].strip()[-150:]!r}")
    except Exception as exc:
        add("usage_errors_exit_2", 0.5, False, f"{type(exc).__name__}: {exc}"[:300])

    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
