/**
 * Words the generator draws account and people names from: enough variety for
 * a demo pipeline to look alive, small enough to read.
 */
export const ACCOUNT_PREFIXES = [
  'Northwind', 'Contoso', 'Fabrikam', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne',
  'Hooli', 'Vandelay', 'Acme', 'Soylent', 'Wonka', 'Gringotts', 'Oceanic', 'Massive', 'Pied Piper', 'Aperture',
] as const;

export const ACCOUNT_SUFFIXES = [
  'Logistics', 'Bank', 'Insurance', 'Health', 'Retail', 'Energy', 'Telecom', 'Foods', 'Pharma', 'Media',
  'Airlines', 'Manufacturing', 'Software', 'Capital', 'Motors',
] as const;

export const SEGMENTS = ['SMB', 'MID_MARKET', 'ENTERPRISE'] as const;
export const SOURCES = ['INBOUND', 'OUTBOUND', 'REFERRAL', 'EVENT', 'PARTNER'] as const;
export const OWNERS = ['ada', 'grace', 'linus', 'margaret', 'ken', 'barbara', 'dennis', 'frances'] as const;

export const FIRST_NAMES = ['Alex', 'Sam', 'Jordan', 'Priya', 'Chen', 'Fatima', 'Lars', 'Maria', 'Kofi', 'Yuki'] as const;
export const LAST_NAMES = ['Smith', 'Garcia', 'Okafor', 'Nguyen', 'Müller', 'Rossi', 'Kowalski', 'Tanaka', 'Silva', 'Haddad'] as const;

export const COMPETITORS = ['Rivalsoft', 'Competico', 'Upstart.io', 'Legacy Systems', 'MegaVendor'] as const;
export const QUALIFICATION_TESTS = ['security review', 'reference call', 'pilot', 'financial check', 'architecture review'] as const;
